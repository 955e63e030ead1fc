from django.urls import path

from pastoral.accounts import views

app_name = "accounts"

urlpatterns = [
    path("two-factor/", views.otp_verify, name="otp-verify"),
    path("two-factor/setup/", views.otp_setup, name="otp-setup"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("two-factor/confirm/", views.step_up, name="step-up"),
]
