from django.urls import path

from safeguarding import transfer_views

app_name = "safeguarding_reports"
urlpatterns = [
    path("learners/<int:pk>/cp-transfer/", transfer_views.cp_transfer, name="cp-transfer"),
    path("learners/<int:pk>/agency-report/", transfer_views.agency_report, name="agency-report"),
]
