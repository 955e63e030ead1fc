from django.urls import path

from caseload.reports import ctf_views
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
    path("learners/<int:pk>/ctf/", ctf_views.leaver_ctf_export, name="leaver-ctf"),
    path(
        "learners/<int:pk>/subject-access-request/",
        report_views.sar_record,
        name="sar-record",
    ),
    path("subject-access/", report_views.sar_list, name="sar-list"),
    path("subject-access/<int:pk>/", report_views.sar_detail, name="sar-detail"),
    path("subject-access/<int:pk>/extend/", report_views.sar_extend, name="sar-extend"),
    path(
        "subject-access/<int:pk>/records/",
        report_views.sar_part,
        {"part": "records"},
        name="sar-records",
    ),
    path(
        "subject-access/<int:pk>/safeguarding/",
        report_views.sar_part,
        {"part": "safeguarding"},
        name="sar-safeguarding",
    ),
    path("subject-access/<int:pk>/release/", report_views.sar_release, name="sar-release"),
    path("caseload-review/", report_views.caseload_review, name="caseload-review"),
]
