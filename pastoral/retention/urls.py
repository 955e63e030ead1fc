from django.urls import path

from pastoral.retention import views

app_name = "retention"

urlpatterns = [
    path("", views.home, name="home"),
    path("queue/<str:kind>/", views.queue, name="queue"),
    path("records/<slug:key>/<int:pk>/", views.review, name="review"),
    path("records/<slug:key>/<int:pk>/dispose/", views.dispose, name="dispose"),
    path("records/<slug:key>/<int:pk>/hold/", views.hold_place, name="hold-place"),
    path("holds/", views.holds, name="holds"),
    path("holds/<int:pk>/lift/", views.hold_lift, name="hold-lift"),
    path("disposals/", views.tombstones, name="tombstones"),
    path("disposals/report.pdf", views.report, name="report"),
    path("rules/", views.rules, name="rules"),
    path("rules/<slug:key>/", views.rule_edit, name="rule-edit"),
]
