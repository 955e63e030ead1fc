from django.urls import path

from pastoral.trust import views

app_name = "trust"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.dashboard, name="dashboard"),
    path("<int:pk>/schools/", views.schools, name="schools"),
    path("<int:pk>/schools/new/", views.school_create, name="school-create"),
    path(
        "<int:pk>/schools/<int:school_pk>/invite-admin/",
        views.school_invite_admin,
        name="school-invite-admin",
    ),
    path(
        "<int:pk>/schools/<int:school_pk>/first-dsl/",
        views.school_first_dsl,
        name="school-first-dsl",
    ),
    path("<int:pk>/people/", views.members, name="members"),
    path("<int:pk>/people/<int:member_pk>/remove/", views.member_remove, name="member-remove"),
]
