"""UK dates everywhere: `12 Jan 2027`, set once (settings.FORMAT_MODULE_PATH).

Only the display formats are set; input formats fall back to Django's en_GB."""

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"
SHORT_DATETIME_FORMAT = "j M Y H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
