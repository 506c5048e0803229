"""English dates as the app shows them: “2 Jul 2026”, “Jul 2026”, “2 Jul 2026, 14:05”.

Templates and code name the formats (`date:"DATE_FORMAT"`, `date_format(day)`), never a pattern,
so each language shows its own (French uses Django's: “2 juillet 2026”)."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
YEAR_MONTH_FORMAT = "M Y"
SHORT_DATE_FORMAT = "j M Y"
