"""Reads for attendance, scoped to the person asking, computed in the database.

Every percentage and flag is attendance.formula's, over conditional counts of
marks by the code sets of attendance.codes: as ORM annotations, or as SQL in
the dashboard's one statement and the PA crossings; nothing loops over marks
in Python.

- figures: date ranges, summaries of a learner or group, per-learner figures
- dashboard: the dashboard's tables and short lists in one statement
- lists: learner lists (all, PA, SA, falls, below target) and their pages
- targets: targets, one target, learners below their target
- marks: a learner's marks, trend, changes and PA crossings; closures; today's list
- interventions: interventions and return plans
- part_time: the part-time timetable register and its reconciliation with the marks
- timeline: the attendance stream of a learner's chronology
- imports: marks import jobs

`from attendance import selectors; selectors.x(...)` reaches every public name.
"""

from attendance.selectors.dashboard import (
    DashboardFigures,
    cohort_rows_for,
    dashboard_figures_for,
    reg_group_rows_for,
    year_rows_for,
)
from attendance.selectors.figures import (
    COHORTS,
    LEARNER_COHORTS,
    NO_SESSIONS,
    AttendanceSummary,
    GroupRow,
    academic_year_for,
    annotate_learners,
    default_range,
    group_summary,
    learner_attendance_summary,
    learner_stats,
    marks_in_range,
)
from attendance.selectors.imports import import_job_or_404, import_jobs_for
from attendance.selectors.interventions import (
    intervention_or_404,
    interventions_for,
    return_plans_for,
)
from attendance.selectors.lists import (
    falls_for,
    flagged_rows,
    hydrate,
    hydrate_lists,
    learner_rows,
    learner_rows_page,
)
from attendance.selectors.marks import (
    PA_CROSSING_MIN_SESSIONS,
    absent_learner_ids,
    closures_for,
    mark_changes_for,
    marks_for,
    pa_crossings,
    unexplained_today_for,
    weekly_trend,
)
from attendance.selectors.part_time import (
    ReconciliationRow,
    attendance_settings_for,
    part_time_counts_for,
    part_time_for_learner,
    part_time_or_404,
    part_time_timetables_for,
    reconciliation_for,
    sessions_grid,
)
from attendance.selectors.targets import below_target_for, target_or_404, targets_for
from attendance.selectors.timeline import timeline_entries_for

__all__ = [
    "absent_learner_ids",
    "COHORTS",
    "LEARNER_COHORTS",
    "NO_SESSIONS",
    "PA_CROSSING_MIN_SESSIONS",
    "AttendanceSummary",
    "DashboardFigures",
    "GroupRow",
    "academic_year_for",
    "annotate_learners",
    "below_target_for",
    "closures_for",
    "cohort_rows_for",
    "dashboard_figures_for",
    "default_range",
    "falls_for",
    "flagged_rows",
    "group_summary",
    "hydrate",
    "hydrate_lists",
    "import_job_or_404",
    "import_jobs_for",
    "intervention_or_404",
    "interventions_for",
    "learner_attendance_summary",
    "learner_rows",
    "learner_rows_page",
    "learner_stats",
    "mark_changes_for",
    "marks_for",
    "marks_in_range",
    "pa_crossings",
    "reg_group_rows_for",
    "ReconciliationRow",
    "attendance_settings_for",
    "part_time_counts_for",
    "part_time_for_learner",
    "part_time_or_404",
    "part_time_timetables_for",
    "reconciliation_for",
    "sessions_grid",
    "return_plans_for",
    "target_or_404",
    "targets_for",
    "timeline_entries_for",
    "unexplained_today_for",
    "weekly_trend",
    "year_rows_for",
]
