from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Trail of changes"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (how each change was made)
