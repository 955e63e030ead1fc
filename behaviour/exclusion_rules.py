"""Suspensions and permanent exclusions: the DfE's reason categories and thresholds, as data.

Source: the reason categories of the school census ("Suspensions and permanent
exclusions" module; reason codes as in the DfE's Common Basic Data Set), and
the statutory guidance *Suspension and permanent exclusion from maintained
schools, academies and pupil referral units in England, including pupil
movement* (DfE, 2024 edition). Both change: check this list and these numbers
against the current guidance and census specification every September
(docs/behaviour.md, "Suspensions and permanent exclusions").

The thresholds are the defaults of each school's ExclusionPolicy row; a school
may set its own (stricter) figures, never the statutory 45-day limit above 45.
"""

from __future__ import annotations

# Census reason codes (code, label), in the order the census lists them.
REASONS: list[tuple[str, str]] = [
    ("PP", "Physical assault against a pupil"),
    ("PA", "Physical assault against an adult"),
    ("VP", "Verbal abuse or threatening behaviour against a pupil"),
    ("VA", "Verbal abuse or threatening behaviour against an adult"),
    ("US", "Use or threat of use of an offensive weapon or prohibited item"),
    ("BU", "Bullying"),
    ("RA", "Racist abuse"),
    ("LG", "Abuse against sexual orientation or gender identity"),
    ("DS", "Abuse relating to disability"),
    ("SM", "Sexual misconduct"),
    ("DA", "Drug and alcohol related"),
    ("DM", "Damage"),
    ("TH", "Theft"),
    ("PD", "Persistent disruptive behaviour"),
    ("MT", "Inappropriate use of social media or online technology"),
    (
        "WP",
        "Wilful and repeated transgression of protective measures in place to protect public health",
    ),
    ("OT", "Other"),
]
REASON_LABELS = dict(REASONS)

# The attendance code for a learner suspended or permanently excluded
# (School attendance guidance: "E: suspended or permanently excluded and no
# alternative provision made").
ATTENDANCE_CODE = "E"

# Governors: above this many school days of suspension in a term the parents may
# ask the governing board to consider reinstatement; above the second, the board
# must meet to consider it (within 15 school days of being told).
GOVERNORS_PARENT_REQUEST_DAYS = 5
GOVERNORS_MUST_REVIEW_DAYS = 15
# No learner may be suspended for more than 45 school days in a school year.
YEAR_LIMIT_DAYS = 45
# Warn the person recording once the year's total reaches this many days.
YEAR_WARNING_DAYS = 30
# Suspensions longer than this many consecutive school days: the school arranges
# suitable full-time education from the next day ("day 6").
DAY_SIX_AFTER_DAYS = 5
