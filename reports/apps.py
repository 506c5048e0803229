from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Closeout reports")

    def ready(self) -> None:
        # The closeout hook (a report on entering closeout) and the closeout gate's criteria.
        from . import closeout  # noqa: F401
