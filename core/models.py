"""The one row of the shared layer: the data version, which the cached pages are keyed by."""

from django.db import models


class DataVersion(models.Model):
    """How many times the records the cached pages show have changed: one row, moved on by the
    database itself (triggers installed by `core.data_version`) in the transaction of every
    write to those records. The portfolio dashboard and the program list key their cached
    content by it, so a committed change is on the next page load and unchanged records are not
    worked out again."""

    number = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "data version"

    def __str__(self) -> str:
        return str(self.number)
