"""The change counter moved to the shared layer (`core.DataVersion`), since the program list is
cached by it too. Its old triggers go first: they write to the table removed here. The new ones
are put on by `core.data_version.install_triggers` after this migrate."""

from django.db import migrations


def drop_old_triggers(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS portfolio_version_bump() CASCADE")
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'portfolio\\_bump\\_%' ESCAPE '\\'"
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0001_portfolio_version"), ("core", "0001_data_version")]

    operations = [
        migrations.RunPython(drop_old_triggers, migrations.RunPython.noop),
        migrations.DeleteModel(name="PortfolioVersion"),
    ]
