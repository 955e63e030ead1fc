"""Django admin: nothing of the attendance app. Letter templates are school settings,
edited in the app with a preview (attendance/letters.py), not here."""
