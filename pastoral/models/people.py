"""Staff: a custom user signing in by e-mail, with roles per school."""

from __future__ import annotations

import secrets

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


def new_access_stamp() -> str:
    return secrets.token_hex(12)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=100, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May use the Django admin site.")
    date_joined = models.DateTimeField(default=timezone.now)
    # Replaced whenever the person's memberships, years, second-factor devices or
    # schools change: the key under which their standing is cached (pastoral/standing.py).
    access_stamp = models.CharField(max_length=24, default=new_access_stamp, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        # A full save writes every field from this instance, which may be older
        # than a stamp change made since: take a fresh stamp instead, so that a
        # cached standing can never be revived by a stale instance.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "access_stamp" in update_fields:
            self.access_stamp = new_access_stamp()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Role(models.TextChoices):
    STAFF = "staff", "Staff"
    SUPPORT = "support", "Support officer"
    HEAD_OF_YEAR = "hoy", "Head of year"
    SENCO = "senco", "SENCO"
    DSL = "dsl", "DSL"
    DEPUTY_DSL = "ddsl", "Deputy DSL"
    ADMIN = "admin", "School administrator"


class Membership(models.Model):
    """One role a person holds in one school. Every member is also staff."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    school = models.ForeignKey(
        "pastoral.School", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=8, choices=Role.choices)
    year_groups = models.ManyToManyField(
        "pastoral.YearGroup",
        blank=True,
        related_name="+",
        help_text="Heads of year: the years they lead.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "school", "role"], name="membership_unique_role"
            ),
        ]
        indexes = [models.Index(fields=["school", "role"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.school_id}"


class RoleRequest(models.Model):
    """A role that widens access to case data, asked for by an administrator and
    given only when a DSL or deputy DSL of the school (not the requester, not
    the person it is for) approves it with a fresh second factor (ACCESS.md:
    "two people for wider access"). For a head of year, `year_groups` are the
    years to add to what they already lead."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting DSL approval"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    school = models.ForeignKey(
        "pastoral.School", on_delete=models.CASCADE, related_name="role_requests"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_requests")
    role = models.CharField(max_length=8, choices=Role.choices)
    year_groups = models.ManyToManyField("pastoral.YearGroup", blank=True, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "school", "role"],
                condition=models.Q(status="pending"),
                name="role_request_one_pending",
            ),
        ]
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self) -> str:
        return f"{self.get_role_display()} for {self.user} ({self.get_status_display()})"
