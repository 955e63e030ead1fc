"""School settings: what a school administrator keeps so the school can go live.

School details, session times, term dates and closures (entered, or imported
from the local authority's CSV or iCalendar file), bank holidays shown and
overridable, reminder thresholds, the retention period of pastoral records,
and the go-live checklist. Apps add their own settings sections and checklist
items through `pastoral.school_settings.registry`.
"""
