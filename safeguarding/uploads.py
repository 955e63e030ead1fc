"""Checking an uploaded attachment: the core's check (pastoral.uploads), kept here by name."""

from pastoral.uploads import ALLOWED, ALLOWED_LABEL, DOCX, check_upload

__all__ = ["ALLOWED", "ALLOWED_LABEL", "DOCX", "check_upload"]
