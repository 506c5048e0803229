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

        # After every migrate (and a test database's flush): the data version's triggers.
        from django.db.models.signals import post_migrate

        from core.data_version import install_on_migrate

        post_migrate.connect(install_on_migrate, sender=self)
