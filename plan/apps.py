from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    name = "plan"
    verbose_name = _("Plan and evidence")

    def ready(self) -> None:
        # The planning gate's criteria: a budget forecast and a baseline for every indicator.
        from . import criteria  # noqa: F401
