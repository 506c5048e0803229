from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstancesConfig(AppConfig):
    name = "instances"
    verbose_name = _("CHT instances")

    def ready(self) -> None:
        # The hosting gate's go-live readiness criteria.
        from .golive import criteria  # noqa: F401
