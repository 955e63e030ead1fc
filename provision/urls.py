from django.urls import path

from provision.views import learners, placements, providers

app_name = "provision"

urlpatterns = [
    path("", placements.placement_list, name="placement-list"),
    path("reconciliation/", learners.reconciliation, name="reconciliation"),
    path("providers/", providers.provider_list, name="provider-list"),
    path("providers/new/", providers.provider_create, name="provider-create"),
    path("providers/<int:pk>/", providers.provider_detail, name="provider-detail"),
    path("providers/<int:pk>/edit/", providers.provider_edit, name="provider-edit"),
    path("providers/<int:pk>/confirm/", providers.confirmation_create, name="confirmation-create"),
    path(
        "confirmations/<int:pk>/letter/",
        providers.confirmation_letter,
        name="confirmation-letter",
    ),
    path("learners/<int:pk>/", learners.learner, name="learner"),
    path("learners/<int:pk>/where/", learners.where, name="where"),
    path("learners/<int:pk>/new/", placements.placement_create, name="placement-create"),
    path("placements/<int:pk>/", placements.placement_detail, name="placement-detail"),
    path("placements/<int:pk>/edit/", placements.placement_edit, name="placement-edit"),
    path("placements/<int:pk>/start/", placements.placement_start, name="placement-start"),
    path("placements/<int:pk>/end/", placements.placement_end, name="placement-end"),
    path("placements/<int:pk>/review/", placements.review_create, name="review-create"),
    path("placements/<int:pk>/attendance/", placements.report_create, name="report-create"),
]
