"""Sign-in, code and user-management forms (input validation only)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password

from pastoral.models import Membership, Role, User, YearGroup


class SignInForm(AuthenticationForm):
    """E-mail and password; Django's form so axes sees every attempt."""

    username = forms.EmailField(
        label="E-mail",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": "The e-mail address or password is not right. Check both and try again.",
        "inactive": "This account is not active. Ask your school administrator.",
    }

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError as exc:
            if getattr(exc, "code", None) != "invalid_login":
                raise
            from pastoral.accounts import selectors

            closed = selectors.closed_account_for(
                self.cleaned_data.get("username") or "", self.cleaned_data.get("password") or ""
            )
            if closed is None:
                raise
            admins = selectors.administrators_of(closed)
            ask = (
                "your school administrator: "
                + ", ".join(f"{a.full_name} ({a.email})" for a in admins)
                if admins
                else "your school office"
            )
            raise forms.ValidationError(
                f"This account has been closed. If you still need access, ask {ask}.",
                code="inactive",
            ) from None


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=16,
        help_text="The six-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).lower()


class EnrolForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=8,
        help_text="Enter the six-digit code your app shows after you have added Pastoral to it.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit():
            raise forms.ValidationError("The code is six digits.")
        return code


class UserCreateForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=150)
    email = forms.EmailField(label="E-mail")
    job_title = forms.CharField(label="Job title", max_length=100, required=False)
    password = forms.CharField(
        label="First password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Give this to the person in private; at least 12 characters, not a common password.",
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password"):
            probe = User(email=data.get("email", ""), full_name=data.get("full_name", ""))
            try:
                validate_password(data["password"], probe)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


GRANTABLE_ROLES = [(value, label) for value, label in Role.choices if value != Role.STAFF]


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(
        label="Role",
        choices=[("", "Choose…"), *GRANTABLE_ROLES],
        error_messages={"required": "Choose the role to grant."},
    )
    year_groups = forms.ModelMultipleChoiceField(
        label="Year groups (heads of year only)",
        queryset=YearGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, school: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year_groups"].queryset = YearGroup.objects.filter(school=school).order_by(
            "number"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("role") == Role.HEAD_OF_YEAR and not data.get("year_groups"):
            self.add_error("year_groups", "Choose the year groups this head of year leads.")
        if data.get("role") != Role.HEAD_OF_YEAR and data.get("year_groups"):
            self.add_error("year_groups", "Only a head of year has year groups.")
        return data


class YearGroupsForm(forms.Form):
    year_groups = forms.ModelMultipleChoiceField(
        label="Year groups",
        queryset=YearGroup.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year_groups"].queryset = YearGroup.objects.filter(
            school_id=membership.school_id
        ).order_by("number")


class RoleApproveForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=16,
        required=False,
        help_text=(
            "The six-digit code your app shows now (or a recovery code). Needed unless you "
            "entered a code in the last minute or so."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).lower()


class RoleDeclineForm(forms.Form):
    reason = forms.CharField(
        label="Reason for declining",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The administrator and the other DSLs see this reason.",
    )


class InvitationForm(RoleGrantForm):
    """Invite one person: who they are, and optionally a role beyond staff."""

    full_name = forms.CharField(label="Full name", max_length=150)
    email = forms.EmailField(label="E-mail", help_text="The link is sent to this address.")
    job_title = forms.CharField(label="Job title", max_length=100, required=False)

    field_order = ["full_name", "email", "job_title", "role", "year_groups"]

    def __init__(self, *args: Any, school: Any, **kwargs: Any) -> None:
        super().__init__(*args, school=school, **kwargs)
        role = self.fields["role"]
        role.required = False
        role.label = "Role beyond staff (optional)"
        role.choices = [("", "Staff only"), *GRANTABLE_ROLES]
        role.help_text = (
            "A role that reaches case data (support officer, head of year, SENCO, DSL, "
            "deputy DSL) is requested: it starts only when a DSL of the school approves it."
        )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class InvitationCsvForm(forms.Form):
    file = forms.FileField(
        label="Staff CSV (UTF-8)",
        help_text=(
            "The staff import's columns: email, full_name, roles, and optionally job_title and "
            "hoy_year_groups. Everyone in the file who has not yet set a password is invited."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class TwoFactorResetForm(forms.Form):
    code = forms.CharField(
        label="Your own code",
        max_length=16,
        required=False,
        help_text=(
            "The six-digit code your authenticator app shows now (or one of your recovery "
            "codes): a fresh code of yours is needed to reset someone else's."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).lower()


class ChoosePasswordForm(forms.Form):
    """The invitee's new password, checked by Django's validators."""

    password1 = forms.CharField(
        label="New password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}),
        help_text="At least 12 characters; not a common password, nor your name or e-mail.",
    )
    password2 = forms.CharField(
        label="New password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error("password2", "The two passwords are not the same.")
        elif one:
            try:
                validate_password(one, self.user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class CurrentPasswordForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
        help_text="The password you sign in with: it has not changed.",
    )
