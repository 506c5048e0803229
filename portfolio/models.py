"""The portfolio reads other apps' records; its one row of its own is the change counter."""

from django.db import models


class PortfolioVersion(models.Model):
    """How many times the records the portfolio shows have changed: one row, bumped by the
    database itself (triggers installed by `portfolio.version`) in the transaction of every
    write to those records. The dashboard keys its cached pages by it, so a committed change is
    on the next page load and an unchanged portfolio is not worked out again."""

    number = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "portfolio version"

    def __str__(self) -> str:
        return str(self.number)
