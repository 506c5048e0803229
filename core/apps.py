from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Shared")

    def ready(self):
        # Not business logic: SQLite's connections get the UNACCENT function accent-insensitive
        # search needs (core.search); PostgreSQL has it from the unaccent extension.
        from core.search import register_sqlite

        connection_created.connect(register_sqlite, dispatch_uid="core.search.unaccent")
