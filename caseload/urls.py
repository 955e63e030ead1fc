from django.urls import path

from caseload import views
from caseload.views import send as send_views
from caseload.views.plan_incidents import plan_incidents_page

app_name = "caseload"
urlpatterns = [
    path("", views.my_caseload, name="mine"),
    path("board/", views.board, name="board"),
    path("board/reallocate/", views.reallocate, name="reallocate"),
    path("learners/pick/", views.learner_picker, name="learner-picker"),
    path("allocations/new/", views.allocation_create, name="allocation-create"),
    path("allocations/<int:pk>/end/", views.allocation_end, name="allocation-end"),
    path("learners/<int:pk>/", views.profile, name="profile"),
    path("learners/<int:pk>/sessions/", views.learner_sessions, name="learner-sessions"),
    path("learners/<int:pk>/sessions/new/", views.one_to_one_session, name="session-one-to-one"),
    path("learners/<int:pk>/contacts/", views.learner_contacts, name="learner-contacts"),
    path("learners/<int:pk>/contacts/new/", views.contact_create, name="contact-create"),
    path("learners/<int:pk>/plans/new/", views.plan_create, name="plan-create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan-edit"),
    path("plans/<int:pk>/status/", views.plan_status, name="plan-status"),
    path("plans/<int:pk>/review/", views.plan_review, name="plan-review"),
    path("plans/<int:pk>/versions/<int:number>/", views.plan_version, name="plan-version"),
    path("plans/<int:pk>/diff/", views.plan_diff, name="plan-diff"),
    path("plans/<int:pk>/incidents/", plan_incidents_page, name="plan-incidents"),
    path("groups/", views.intervention_list, name="intervention-list"),
    path("groups/new/", views.intervention_create, name="intervention-create"),
    path("groups/<int:pk>/", views.intervention_detail, name="intervention-detail"),
    path("groups/<int:pk>/sessions/new/", views.session_create, name="session-create"),
    path("sessions/<int:pk>/", views.session_detail, name="session-detail"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact-detail"),
    path("actions/<int:pk>/done/", views.action_done, name="action-done"),
    path("needs/", views.need_list, name="need-list"),
    path("send/", send_views.send_queue, name="send-queue"),
    path("send/settings/", send_views.send_settings, name="send-settings"),
    path("send/<int:pk>/reviews/new/", send_views.ehcp_review_create, name="ehcp-review-create"),
    path("send/steps/<int:pk>/done/", send_views.review_step_done, name="review-step-done"),
    path("learners/<int:pk>/send/", send_views.sen_record, name="sen-record"),
    path("learners/<int:pk>/send/edit/", send_views.sen_record_edit, name="sen-record-edit"),
]
