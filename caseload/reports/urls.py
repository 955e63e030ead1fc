from django.urls import path

from caseload.reports import views as report_views

app_name = "caseload_reports"
urlpatterns = [
    path("learners/<int:pk>/transfer/", report_views.transfer_report, name="transfer"),
    path(
        "learners/<int:pk>/case-conference/",
        report_views.case_conference,
        name="case-conference",
    ),
    path("learners/<int:pk>/bundle/", report_views.transfer_bundle, name="bundle"),
    path("learners/<int:pk>/subject-access/", report_views.subject_access, name="subject-access"),
    path("caseload-review/", report_views.caseload_review, name="caseload-review"),
]
