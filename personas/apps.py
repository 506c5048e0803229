from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersonasConfig(AppConfig):
    name = "personas"
    verbose_name = _("People and roles")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .preferences import on_login
        from .sessions import stamp_session

        user_logged_in.connect(on_login, dispatch_uid="personas.remember_preferences")
        user_logged_in.connect(stamp_session, dispatch_uid="personas.stamp_session")
