from django.urls import path

from pastoral.people import views

app_name = "people"
urlpatterns = [
    path("learners/<int:pk>/", views.learner_contacts, name="learner-contacts"),
    path("learners/<int:pk>/new/", views.contact_create, name="contact-create"),
    path("contacts/<int:pk>/", views.contact_edit, name="contact-edit"),
    path(
        "contacts/<int:pk>/restrictions/new/",
        views.restriction_create,
        name="restriction-create",
    ),
    path("restrictions/<int:pk>/", views.restriction_edit, name="restriction-edit"),
    path("agencies/", views.agency_list, name="agency-list"),
    path("agencies/new/", views.agency_create, name="agency-create"),
    path("agencies/<int:pk>/", views.agency_edit, name="agency-edit"),
    path(
        "agencies/<int:pk>/people/new/", views.agency_contact_create, name="agency-contact-create"
    ),
    path("agency-people/<int:pk>/", views.agency_contact_edit, name="agency-contact-edit"),
]
