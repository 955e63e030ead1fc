"""Behaviour URLs (mounted at /behaviour/)."""

from django.urls import path

from behaviour import views
from behaviour.views import oncall
from behaviour.views.analysis import analysis

app_name = "behaviour"

urlpatterns: list = [
    path("", views.home, name="home"),
    path("classes/<int:pk>/", views.log, name="log"),
    path("analysis/", analysis, name="analysis"),
    path("incidents/", views.incident_list, name="incident-list"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident-detail"),
    path("incidents/<int:pk>/detention/", views.issue_for_incident, name="incident-detention"),
    path("learners/<int:pk>/", views.learner, name="learner"),
    path("learners/<int:pk>/detention/", views.issue_for_learner, name="learner-detention"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/types/<int:pk>/", views.type_edit, name="type-edit"),
    path(
        "settings/detention-types/<int:pk>/",
        views.detention_type_edit,
        name="detention-type-edit",
    ),
    path("detentions/", views.sessions, name="sessions"),
    path("detentions/sessions/<int:pk>/", views.session_detail, name="session-detail"),
    path("detentions/<int:pk>/", views.detention_detail, name="detention-detail"),
    path("detentions/<int:pk>/letter.pdf", views.detention_letter, name="detention-letter"),
    path("exclusions/", views.exclusion_list, name="exclusion-list"),
    path("exclusions/notices/", views.notices, name="exclusion-notices"),
    path("exclusions/code-e/", views.mismatches, name="exclusion-mismatches"),
    path("exclusions/settings/", views.policy, name="exclusion-policy"),
    path("exclusions/<int:pk>/", views.exclusion_detail, name="exclusion-detail"),
    path("exclusions/<int:pk>/letter.pdf", views.exclusion_letter, name="exclusion-letter"),
    path("learners/<int:pk>/exclusion/", views.exclusion_create, name="exclusion-create"),
    path("rewards/leaderboard/", views.leaderboard, name="leaderboard"),
    path("rewards/certificates/<int:pk>.pdf", views.certificate, name="certificate"),
    path("oncall/", oncall.oncall, name="oncall"),
    path("oncall/live/", oncall.oncall_live, name="oncall-live"),
    path("oncall/requests/", oncall.oncall_requests, name="oncall-requests"),
    path("oncall/<int:pk>/", oncall.oncall_detail, name="oncall-detail"),
    path("oncall/<int:pk>/accept/", oncall.oncall_accept, name="oncall-accept"),
    path("oncall/<int:pk>/resolve/", oncall.oncall_resolve, name="oncall-resolve"),
    path("oncall/settings/", oncall.oncall_settings, name="oncall-settings"),
    path("removals/", oncall.removals, name="removals"),
    path("learners/<int:pk>/removal/", oncall.learner_removal, name="learner-removal"),
    path("isolation/", oncall.isolation, name="isolation"),
    path("isolation/<int:pk>/", oncall.isolation_session, name="isolation-session"),
]
