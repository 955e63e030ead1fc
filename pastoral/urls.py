"""Every URL of Pastoral. Only this file and settings name every app."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from pastoral import views

app_patterns = (
    [
        path("learners/", views.learner_list, name="learner-list"),
        path("learners/search/", views.learner_search, name="learner-search"),
        path("learners/<int:pk>/", views.learner_detail, name="learner-detail"),
        path("school/switch/", views.school_switch, name="school-switch"),
    ],
    "pastoral",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include(app_patterns)),
    path("notifications/", include("pastoral.notifications.urls")),
    path("reports/", include("pastoral.reports.urls")),
    path("attendance/", include("attendance.urls")),
    path("safeguarding/", include("safeguarding.urls")),
    path("caseload/", include("caseload.urls")),
    path("django-admin/", admin.site.urls),
]

handler404 = "pastoral.errors.not_found"
handler500 = "pastoral.errors.server_error"
