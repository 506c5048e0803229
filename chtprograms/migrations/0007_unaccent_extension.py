"""PostgreSQL's unaccent extension, for accent-insensitive search (core.search). Nothing on
SQLite, whose connections get an UNACCENT function of their own: neither forwards nor backwards
(Django's operation skips other databases going forwards only)."""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class UnaccentExtensionOnPostgreSQL(UnaccentExtension):
    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("chtprograms", "0006_bounded_text_and_dates")]

    operations = [UnaccentExtensionOnPostgreSQL()]
