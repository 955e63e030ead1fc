from django.urls import path

from safeguarding import views

app_name = "safeguarding"
urlpatterns = [
    path("", views.concern_new, name="concern-new"),
    path("learner-picker/", views.learner_picker, name="learner-picker"),
    path("draft/", views.draft_save, name="draft-save"),
    path("draft/discard/", views.draft_discard, name="draft-discard"),
    path("mine/", views.my_concerns, name="my-concerns"),
    path("inbox/", views.inbox, name="inbox"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("pastoral/", views.pastoral_list, name="pastoral-list"),
    path("concerns/", views.concern_list, name="concern-list"),
    path("concerns/<int:pk>/", views.concern_detail, name="concern-detail"),
    path("concerns/<int:pk>/follow-up/", views.follow_up, name="concern-follow-up"),
    path("concerns/<int:pk>/correct/", views.correction, name="concern-correct"),
    path("concerns/<int:pk>/triage/", views.triage, name="concern-triage"),
    path("concerns/<int:pk>/actions/", views.action_new, name="concern-action"),
    path("concerns/<int:pk>/link/", views.link, name="concern-link"),
    path("concerns/<int:pk>/close/", views.close, name="concern-close"),
    path("concerns/<int:pk>/decisions/", views.decision, name="concern-decision"),
    path(
        "concerns/<int:pk>/learners/<int:link_pk>/",
        views.link_role,
        name="concern-learner-role",
    ),
    path("concerns/<int:pk>/reopen/", views.reopen, name="concern-reopen"),
    path("concerns/<int:pk>/share/", views.share, name="concern-share"),
    path("concerns/<int:pk>/investigations/", views.investigation_new, name="investigation-new"),
    path("actions/<int:pk>/outcome/", views.action_outcome, name="action-outcome"),
    path("shares/<int:pk>/withdraw/", views.share_withdraw, name="share-withdraw"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("investigations/<int:pk>/", views.investigation_detail, name="investigation-detail"),
    path(
        "investigations/<int:pk>/participants/",
        views.investigation_participant,
        name="investigation-participant",
    ),
    path(
        "investigations/<int:pk>/statements/",
        views.investigation_statement,
        name="investigation-statement",
    ),
    path(
        "investigations/<int:pk>/evidence/",
        views.investigation_evidence,
        name="investigation-evidence",
    ),
    path(
        "investigations/<int:pk>/outcome/",
        views.investigation_outcome,
        name="investigation-outcome",
    ),
    path(
        "investigations/<int:pk>/conclude/",
        views.investigation_conclude,
        name="investigation-conclude",
    ),
    path("learners/<int:pk>/", views.chronology, name="learner-chronology"),
    path("learners/<int:pk>/cp-file/", views.cp_file, name="cp-file"),
    path("categories/", views.categories, name="categories"),
    path("categories/<int:pk>/", views.category_update, name="category-update"),
    path("categories/<int:pk>/toggle/", views.category_toggle, name="category-toggle"),
]
