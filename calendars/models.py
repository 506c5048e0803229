"""A person's private calendar link: a long random key in the feed's address, no login needed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarKey(models.Model):
    """The key in a person's feed addresses (theirs and their programs' team feeds).

    Only the SHA-256 digest of the key is stored: the address is shown once, when the key is
    made (or replaced), and whoever reads the database cannot rebuild it. Replacing the key
    stops every address made with the old one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="calendar_key",
    )
    digest = models.CharField(_("key digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar key")
        verbose_name_plural = _("calendar keys")

    def __str__(self) -> str:
        return str(self.user)
