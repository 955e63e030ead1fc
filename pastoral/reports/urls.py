from django.urls import path

from pastoral.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.job_list, name="job-list"),
    path("<int:pk>/", views.job_detail, name="job-detail"),
    path("<int:pk>/status/", views.job_status, name="job-status"),
    path("<int:pk>/download/", views.job_download, name="job-download"),
    path("cp-transfers/", views.cp_transfer_list, name="cp-transfer-list"),
    path("cp-transfers/<int:pk>/receipt/", views.cp_transfer_receipt, name="cp-transfer-receipt"),
    path("bundles/import/", views.bundle_import, name="bundle-import"),
    path("bundles/<int:pk>/receipt/", views.bundle_receipt, name="bundle-receipt"),
    path("learners/<int:pk>/imported/", views.imported_records, name="imported-records"),
]
