from django.urls import path

from attendance import views

app_name = "attendance"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("learners/", views.learner_list, name="learner-list"),
    path("learners/<int:pk>/", views.learner_attendance, name="learner"),
    path("learners/<int:pk>/targets/new/", views.target_create, name="target-create"),
    path(
        "learners/<int:pk>/interventions/new/",
        views.intervention_create,
        name="intervention-create",
    ),
    path(
        "learners/<int:pk>/return-plans/new/", views.return_plan_create, name="return-plan-create"
    ),
    path("targets/<int:pk>/review/", views.target_review, name="target-review"),
    path("today/", views.today, name="today"),
    path("today/<int:pk>/call/", views.quick_call, name="quick-call"),
    path("import/", views.import_marks, name="import"),
    path("import/<int:pk>/", views.import_detail, name="import-detail"),
]
