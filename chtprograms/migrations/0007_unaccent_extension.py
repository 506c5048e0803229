"""PostgreSQL's unaccent extension, for accent-insensitive search (core.search). Nothing on
SQLite, whose connections get an UNACCENT function of their own."""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("chtprograms", "0006_bounded_text_and_dates")]

    operations = [UnaccentExtension()]
