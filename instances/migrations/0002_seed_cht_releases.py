"""The CHT's end-of-life table, from cht-docs `content/en/releases/_index.md` (Supported
Versions), as of November 2026. Site administrators add later versions in the admin."""

import datetime

from django.db import migrations

# (version, release date, end of life or None for "TBA")
RELEASES = [
    ("5.2", "2026-06-26", None),
    ("5.1", "2026-02-26", "2026-09-26"),
    ("5.0", "2025-11-20", "2026-05-26"),
    ("4.22", "2025-10-10", "2026-11-20"),
    ("4.21", "2025-06-25", "2026-01-10"),
    ("4.20", "2025-06-04", "2025-09-25"),
    ("4.19", "2025-05-13", "2025-09-04"),
    ("4.18", "2025-03-20", "2025-08-13"),
    ("4.17", "2025-02-05", "2025-06-20"),
    ("4.16", "2025-01-16", "2025-05-05"),
    ("4.15", "2024-11-20", "2025-04-16"),
    ("4.14", "2024-10-31", "2025-02-20"),
    ("4.13", "2024-10-22", "2025-01-31"),
    ("4.12", "2024-10-02", "2025-01-22"),
    ("4.11", "2024-09-26", "2025-01-02"),
    ("4.10", "2024-08-15", "2024-12-26"),
    ("4.9", "2024-06-25", "2024-11-15"),
    ("4.8", "2024-05-22", "2024-09-25"),
    ("4.7", "2024-05-07", "2024-08-22"),
    ("4.6", "2024-03-20", "2024-08-10"),
    ("4.5", "2023-11-20", "2024-06-20"),
    ("4.4", "2023-09-20", "2024-02-20"),
    ("4.3", "2023-08-18", "2023-12-20"),
    ("4.2", "2023-05-25", "2023-11-18"),
    ("4.1", "2022-12-12", "2023-08-25"),
    ("4.0", "2022-11-03", "2023-03-12"),
    ("3.17", "2022-10-11", "2023-11-03"),
    ("2.18", "2018-08-30", "2019-11-15"),
]


def seed(apps, schema_editor):
    CHTRelease = apps.get_model("instances", "CHTRelease")
    for version, released, eol in RELEASES:
        major, minor = (int(part) for part in version.split("."))
        CHTRelease.objects.update_or_create(
            major=major,
            minor=minor,
            defaults={
                "released_on": datetime.date.fromisoformat(released),
                "end_of_life": datetime.date.fromisoformat(eol) if eol else None,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("instances", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
