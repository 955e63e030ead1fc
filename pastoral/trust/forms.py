"""Forms of the trust pages: input only; the services validate the rest."""

from __future__ import annotations

from django import forms


class SchoolForm(forms.Form):
    name = forms.CharField(label="School name", max_length=200)
    urn = forms.CharField(label="URN", max_length=8, help_text="The DfE unique reference number.")
    la_code = forms.CharField(label="LA code", max_length=3, required=False)


class PersonForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=150)
    email = forms.EmailField(label="E-mail")


class FirstDslForm(forms.Form):
    email = forms.EmailField(label="E-mail of the new DSL")
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        required=False,
        help_text="Needed when the person has no Pastoral account yet: they are sent an "
        "invitation to set a password and an authenticator.",
    )


class TrustAdminForm(forms.Form):
    email = forms.EmailField(
        label="E-mail of an existing account",
        help_text="The person becomes a trust administrator of this trust.",
    )
