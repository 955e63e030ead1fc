from django.urls import path

from pastoral.accounts import approvals, users, views, views_invitations

app_name = "accounts"

urlpatterns = [
    path("two-factor/", views.otp_verify, name="otp-verify"),
    path("two-factor/setup/", views.otp_setup, name="otp-setup"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("two-factor/confirm/", views.step_up, name="step-up"),
    path("password/", views.password_change, name="password-change"),
    path("sessions/end-others/", views.sessions_end_others, name="sessions-end-others"),
]

urlpatterns += [
    path("staff/", users.user_list, name="user-list"),
    path("staff/add/", users.user_create, name="user-create"),
    path("staff/<int:pk>/", users.user_detail, name="user-detail"),
    path("staff/<int:pk>/roles/", users.role_grant, name="role-grant"),
    path("staff/<int:pk>/roles/<int:membership_pk>/years/", users.role_years, name="role-years"),
    path("staff/<int:pk>/roles/<int:membership_pk>/remove/", users.role_remove, name="role-remove"),
    path("staff/<int:pk>/deactivate/", users.user_deactivate, name="user-deactivate"),
    path("staff/<int:pk>/reactivate/", users.user_reactivate, name="user-reactivate"),
    path("staff/<int:pk>/end-sessions/", users.user_sessions_end, name="user-sessions-end"),
    path("staff/<int:pk>/unlock/", users.user_unlock, name="user-unlock"),
]

urlpatterns += [
    path("role-requests/", approvals.role_requests, name="role-requests"),
    path("role-requests/<int:pk>/", approvals.role_request, name="role-request"),
    path(
        "role-requests/<int:pk>/approve/",
        approvals.role_request_approve,
        name="role-request-approve",
    ),
    path(
        "role-requests/<int:pk>/decline/",
        approvals.role_request_decline,
        name="role-request-decline",
    ),
]

urlpatterns += [
    path("invitations/", views_invitations.invitation_list, name="invitation-list"),
    path("invitations/new/", views_invitations.invitation_create, name="invitation-create"),
    path("invitations/csv/", views_invitations.invitation_csv, name="invitation-csv"),
    path(
        "invitations/<int:pk>/resend/",
        views_invitations.invitation_resend,
        name="invitation-resend",
    ),
    path(
        "invitations/<int:pk>/revoke/",
        views_invitations.invitation_revoke,
        name="invitation-revoke",
    ),
    path(
        "staff/<int:pk>/two-factor-reset/",
        views_invitations.two_factor_reset,
        name="two-factor-reset",
    ),
    # The invitee's one-time link: public (the token is the credential).
    path("invitation/<str:token>/", views_invitations.invitation_accept, name="invitation-accept"),
    path(
        "invitation/<str:token>/authenticator/",
        views_invitations.invitation_authenticator,
        name="invitation-authenticator",
    ),
]
