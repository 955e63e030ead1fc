"""/school/settings/: the settings hub and the administrator's settings pages."""

from django.urls import path

from pastoral.school_settings import views

app_name = "school_settings"

urlpatterns = [
    path("", views.hub, name="hub"),
    path("details/", views.section, {"section": "details"}, name="details"),
    path("sessions/", views.section, {"section": "sessions"}, name="sessions"),
    path("reminders/", views.section, {"section": "reminders"}, name="reminders"),
    path("retention/", views.section, {"section": "retention"}, name="retention"),
    path("terms/", views.terms, name="terms"),
    path("terms/add/", views.term_add, name="term-add"),
    path("terms/import/", views.term_import, name="term-import"),
    path("terms/<int:pk>/", views.term_edit, name="term-edit"),
    path("terms/<int:pk>/delete/", views.term_delete, name="term-delete"),
    path("closures/add/", views.closure_add, name="closure-add"),
    path("closures/<int:pk>/delete/", views.closure_delete, name="closure-delete"),
    path("bank-holidays/", views.bank_holiday, name="bank-holiday"),
    path("checklist/", views.checklist, name="checklist"),
]
