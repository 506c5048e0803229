"""Hosting: saved cost estimates. (The production instance's domain and certificate dates
live with the CHT instances, `instances.Instance`.)"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from chtprograms.models import Program
from plan.budget.models import BudgetLine


class HostingEstimate(models.Model):
    """A saved hosting cost estimate: the inputs and what `estimate_hosting` made of them."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="hosting_estimates")
    users = models.PositiveIntegerField(_("users"), validators=[MinValueValidator(1)])
    population = models.PositiveIntegerField(_("population served"))
    workflows = models.PositiveIntegerField(_("workflows"))
    years = models.PositiveIntegerField(_("deployment years"), validators=[MinValueValidator(1)])
    overprovisioning = models.PositiveIntegerField(
        _("over-provisioning"), validators=[MinValueValidator(1)]
    )
    reports_per_workflow_year = models.PositiveIntegerField(
        _("reports per workflow and year"), default=1
    )
    users_per_cpu = models.PositiveIntegerField(
        _("users per CPU"), default=288, validators=[MinValueValidator(1)]
    )
    documents_per_gb = models.PositiveIntegerField(
        _("documents per GB"), default=186_089, validators=[MinValueValidator(1)]
    )
    documents = models.PositiveBigIntegerField(_("documents"))
    disk_gb = models.DecimalField(_("disk (GB)"), max_digits=14, decimal_places=2)
    cpus = models.PositiveIntegerField(_("CPUs"))
    ram_gb = models.PositiveIntegerField(_("RAM (GB)"))
    monthly_usd = models.DecimalField(_("monthly cost (USD)"), max_digits=14, decimal_places=2)
    #: Each year of the deployment at that year's size, added up (null: saved before June 2026's
    #: calculator, whose total was the monthly cost × 12 × years).
    deployment_usd = models.DecimalField(
        _("cost over the deployment (USD)"), max_digits=14, decimal_places=2, null=True
    )
    budget_line = models.ForeignKey(
        BudgetLine,
        verbose_name=_("budget line"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        db_table = "chtprograms_hostingestimate"  # kept from before the move to this app
        ordering = ["-created_at", "-id"]
        verbose_name = _("hosting estimate")
        verbose_name_plural = _("hosting estimates")

    def __str__(self) -> str:
        return f"{self.program}: USD {self.monthly_usd}/month"

    @property
    def total_usd(self) -> Decimal:
        """What the deployment costs over its years (what "add to budget" adds)."""
        if self.deployment_usd is not None:
            return self.deployment_usd
        return self.monthly_usd * 12 * self.years
