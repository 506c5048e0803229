from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChtProgramsConfig(AppConfig):
    name = "chtprograms"
    verbose_name = _("CHT programs")
