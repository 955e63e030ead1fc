from django.urls import path

from attendance import la_returns_views as la_returns
from attendance import letter_pdf, letters, views
from attendance import part_time_views as part_time

app_name = "attendance"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("learners/", views.learner_list, name="learner-list"),
    path("learners/<int:pk>/", views.learner_attendance, name="learner"),
    path("learners/<int:pk>/targets/new/", views.target_create, name="target-create"),
    path(
        "learners/<int:pk>/interventions/new/",
        views.intervention_create,
        name="intervention-create",
    ),
    path(
        "learners/<int:pk>/return-plans/new/", views.return_plan_create, name="return-plan-create"
    ),
    path(
        "interventions/<int:pk>/letter.pdf",
        letter_pdf.intervention_letter,
        name="intervention-letter",
    ),
    path("targets/<int:pk>/review/", views.target_review, name="target-review"),
    path("today/", views.today, name="today"),
    path("today/<int:pk>/call/", views.quick_call, name="quick-call"),
    path("import/", views.import_marks, name="import"),
    path("import/<int:pk>/", views.import_detail, name="import-detail"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import-confirm"),
    path("letters/", letters.letter_list, name="letter-list"),
    path("letters/new/", letters.letter_edit, name="letter-create"),
    path("letters/preview/", letters.letter_preview, name="letter-preview"),
    path("letters/<int:pk>/", letters.letter_edit, name="letter-edit"),
    path("settings/", part_time.attendance_settings, name="settings"),
    path("part-time/", part_time.register, name="part-time-list"),
    path("part-time/reconciliation/", part_time.reconciliation, name="part-time-reconciliation"),
    path("learners/<int:pk>/part-time/new/", part_time.create, name="part-time-create"),
    path("part-time/<int:pk>/", part_time.detail, name="part-time-detail"),
    path("part-time/<int:pk>/la-notified/", part_time.la_notified, name="part-time-la-notified"),
    path("part-time/<int:pk>/review/", part_time.review, name="part-time-review"),
    path("part-time/<int:pk>/la-notice.pdf", part_time.la_notice, name="part-time-la-notice"),
    path("part-time/<int:pk>/agreement/", part_time.agreement, name="part-time-agreement"),
    path("la-returns/", la_returns.absence_queue, name="la-absence-queue"),
    path(
        "la-returns/learners/<int:pk>/<str:start>/notify/",
        la_returns.absence_notify,
        name="la-absence-notify",
    ),
    path("la-returns/notified/", la_returns.absence_notified, name="la-absence-notified"),
    path(
        "la-returns/notified/<int:pk>/notice.pdf",
        la_returns.absence_notice,
        name="la-absence-notice",
    ),
    path("la-returns/roll-changes/", la_returns.roll_changes, name="roll-changes"),
    path(
        "learners/<int:pk>/roll-changes/new/",
        la_returns.roll_change_create,
        name="roll-change-create",
    ),
    path(
        "la-returns/roll-changes/<int:pk>/",
        la_returns.roll_change_detail,
        name="roll-change-detail",
    ),
    path("la-returns/penalty-notices/", la_returns.penalty_threshold, name="penalty-threshold"),
    path("la-returns/settings/", la_returns.la_settings, name="la-settings"),
]
