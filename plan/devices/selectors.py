"""Device fleet reads: one program's devices and what they add up to, and totals across
programs for the portfolio."""

import math
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from chtprograms.models import Program
from core.selectors import get_or_404
from plan.devices.models import Device

BROKEN_OR_LOST = (Device.Status.LOST, Device.Status.BROKEN)


def device_list(*, program: Program) -> list[Device]:
    """One query."""
    return list(Device.objects.filter(program=program))


def device_get(*, program: Program, pk: int) -> Device:
    return get_or_404(Device.objects.all(), "No such device.", program=program, pk=pk)


@dataclass
class Fleet:
    """What a program's devices add up to."""

    total: int = 0
    by_status: Counter = field(default_factory=Counter)
    by_spec: Counter = field(default_factory=Counter)  # of the working devices
    by_model: Counter = field(default_factory=Counter)
    by_android: Counter = field(default_factory=Counter)
    chw_count: int | None = None

    @property
    def models(self) -> list[tuple[str, int]]:
        """(model, devices), most first (a template cannot call Counter.most_common)."""
        return self.by_model.most_common()

    @property
    def android_versions(self) -> list[tuple[str, int]]:
        return self.by_android.most_common()

    @property
    def below_minimum(self) -> int:
        return self.by_spec[Device.Spec.BELOW_MINIMUM]

    @property
    def below_recommended(self) -> int:
        return self.by_spec[Device.Spec.BELOW_RECOMMENDED]

    @property
    def working(self) -> int:
        return self.by_status[Device.Status.IN_USE]

    @property
    def lost_or_broken(self) -> int:
        return sum(self.by_status[status] for status in BROKEN_OR_LOST)

    @property
    def lost_or_broken_percent(self) -> int | None:
        if not self.total:
            return None
        return round(self.lost_or_broken * 100 / self.total)

    @property
    def chws_without_device(self) -> int | None:
        if self.chw_count is None:
            return None
        return max(self.chw_count - self.working, 0)

    @property
    def suggested_replacements(self) -> int | None:
        """Devices to budget for, to replace the same share of the CHWs' phones as was lost or
        broken so far (and to equip those without one)."""
        if not self.total or self.chw_count is None:
            return None
        share = self.lost_or_broken / self.total
        return math.ceil(share * self.chw_count) + (self.chws_without_device or 0)


def fleet_summary(*, devices: list[Device], chw_count: int | None) -> Fleet:
    fleet = Fleet(total=len(devices), chw_count=chw_count)
    for device in devices:
        fleet.by_status[device.status] += 1
        fleet.by_model[device.phone_model] += 1
        fleet.by_android[device.android_version] += 1
        if device.status == Device.Status.IN_USE:
            fleet.by_spec[device.spec] += 1
    return fleet


@dataclass(frozen=True)
class FleetTotals:
    devices: int
    working: int
    lost_or_broken: int


def fleet_totals(*, programs: QuerySet[Program]) -> FleetTotals:
    """Devices across programs (1 query)."""
    totals = Device.objects.filter(program__in=programs.order_by().values("pk")).aggregate(
        devices=Count("pk"),
        working=Count("pk", filter=Q(status=Device.Status.IN_USE)),
        lost_or_broken=Count("pk", filter=Q(status__in=BROKEN_OR_LOST)),
    )
    return FleetTotals(totals["devices"], totals["working"], totals["lost_or_broken"])


def device_annotations(program_ref: str = "pk") -> dict:
    """Per-program subqueries for a Program queryset: all, working and lost-or-broken devices."""
    devices = Device.objects.filter(program=OuterRef(program_ref)).order_by().values("program")

    def counted(condition: Q | None = None):
        rows = devices.filter(condition) if condition is not None else devices
        return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)

    return {
        "fp_devices": counted(),
        "fp_devices_working": counted(Q(status=Device.Status.IN_USE)),
        "fp_devices_lost_or_broken": counted(Q(status__in=BROKEN_OR_LOST)),
    }
