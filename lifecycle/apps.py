from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifecycleConfig(AppConfig):
    name = "lifecycle"
    verbose_name = _("Lifecycle")

    def ready(self) -> None:
        # The closeout hook (report on entering closeout) and the closeout gate's criteria.
        # The planning gate's plan-and-evidence criteria (budget forecast, baselines).
        from . import (
            closeout,  # noqa: F401
            plan_criteria,  # noqa: F401
        )
