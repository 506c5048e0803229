from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "portfolio"
    verbose_name = _("Portfolio")

    def ready(self):
        from django.db.models.signals import post_migrate

        from portfolio.version import install_on_migrate

        # After every migrate (and a test database's flush): the change counter's triggers.
        post_migrate.connect(install_on_migrate, sender=self)
