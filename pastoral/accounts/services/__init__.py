"""Writes for sign-in and for the school's users and roles. Every one is audited."""

from __future__ import annotations

from pastoral.accounts.services.invitations import LinkUsed as LinkUsed
from pastoral.accounts.services.invitations import invitation_accept as invitation_accept
from pastoral.accounts.services.invitations import invitation_create as invitation_create
from pastoral.accounts.services.invitations import invitation_refused as invitation_refused
from pastoral.accounts.services.invitations import invitation_resend as invitation_resend
from pastoral.accounts.services.invitations import invitation_revoke as invitation_revoke
from pastoral.accounts.services.invitations import (
    invitations_for_new_staff as invitations_for_new_staff,
)
from pastoral.accounts.services.invitations import (
    reenrol_password_failed as reenrol_password_failed,
)
from pastoral.accounts.services.invitations import two_factor_reset as two_factor_reset
from pastoral.accounts.services.roles import APPROVAL_CODE_SECONDS as APPROVAL_CODE_SECONDS
from pastoral.accounts.services.roles import first_dsl_grant as first_dsl_grant
from pastoral.accounts.services.roles import membership_grant as membership_grant
from pastoral.accounts.services.roles import membership_revoke as membership_revoke
from pastoral.accounts.services.roles import membership_set_years as membership_set_years
from pastoral.accounts.services.roles import role_request_approve as role_request_approve
from pastoral.accounts.services.roles import role_request_create as role_request_create
from pastoral.accounts.services.roles import role_request_decline as role_request_decline
from pastoral.accounts.services.roles import role_request_file as role_request_file
from pastoral.accounts.services.roles import widens_case_access as widens_case_access
from pastoral.accounts.services.sessions import sessions_end_others as sessions_end_others
from pastoral.accounts.services.sessions import user_sessions_end as user_sessions_end
from pastoral.accounts.services.signin import password_changed as password_changed
from pastoral.accounts.services.signin import second_factor_event as second_factor_event
from pastoral.accounts.services.signin import signin_failed as signin_failed
from pastoral.accounts.services.signin import signin_succeeded as signin_succeeded
from pastoral.accounts.services.signin import signout as signout
from pastoral.accounts.services.signin import (
    two_factor_device_for_enrolment as two_factor_device_for_enrolment,
)
from pastoral.accounts.services.signin import two_factor_enrol as two_factor_enrol
from pastoral.accounts.services.users import user_create as user_create
from pastoral.accounts.services.users import user_deactivate as user_deactivate
from pastoral.accounts.services.users import user_reactivate as user_reactivate
from pastoral.accounts.services.users import user_unlock as user_unlock
