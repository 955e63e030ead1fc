"""Every URL of Pastoral. Only this file and settings name every app."""

from django.contrib import admin
from django.urls import include, path

from pastoral import audit_views, import_views, views
from pastoral.accounts import views as account_views

app_patterns = (
    [
        path("learners/", views.learner_list, name="learner-list"),
        path("learners/search/", views.learner_search, name="learner-search"),
        path("learners/<int:pk>/", views.learner_detail, name="learner-detail"),
        path("school/switch/", views.school_switch, name="school-switch"),
        path("audit/", audit_views.audit_list, name="audit-list"),
        path("audit/export.csv", audit_views.audit_export, name="audit-export"),
        path(
            "audit/record/<str:object_type>/<str:object_id>/",
            audit_views.audit_object,
            name="audit-object",
        ),
        path("imports/", import_views.import_start, name="import-start"),
        path("imports/<int:pk>/", import_views.import_detail, name="import-detail"),
        path("imports/<int:pk>/file/", import_views.import_file, name="import-file"),
        path("imports/<int:pk>/confirm/", import_views.import_confirm, name="import-confirm"),
        path("imports/<int:pk>/discard/", import_views.import_discard, name="import-discard"),
    ],
    "pastoral",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", account_views.signin, name="login"),
    path("accounts/logout/", account_views.signout, name="logout"),
    path("accounts/", include("pastoral.accounts.urls")),
    path("", include(app_patterns)),
    path("school/settings/", include("pastoral.school_settings.urls")),
    path("notifications/", include("pastoral.notifications.urls")),
    path("reports/", include("pastoral.reports.urls")),
    path("people/", include("pastoral.people.urls")),
    path("retention/", include("pastoral.retention.urls")),
    path("trust/", include("pastoral.trust.urls")),
    path("attendance/", include("attendance.urls")),
    path("behaviour/", include("behaviour.urls")),
    path("safeguarding/", include("safeguarding.urls")),
    path("caseload/", include("caseload.urls")),
    path("caseload/reports/", include("caseload.reports.urls")),
    path("provision/", include("provision.urls")),
    path("safeguarding/reports/", include("safeguarding.transfer_urls")),
    path("django-admin/", admin.site.urls),
]

handler404 = "pastoral.errors.not_found"
handler500 = "pastoral.errors.server_error"
