"""The CHT documentation's hosting cost estimate, as a pure function.

    places        = population × 0.36 (rounded up: a place is whole)
    contacts      = users + population + places
    data records  = population × workflows × deployment years × 1
    documents     = contacts + data records
    database disk = documents / 186,089 GB
    total disk    = database disk × over-provisioning + 50 GB root volume, at $0.08 per GB-month
    CPUs          = ceil(users / 288), at least 1; RAM = 2 GB per CPU; $20.85 per CPU-month

The monthly cost is computed from the exact figures, then rounded to the cent; the disk size is
shown rounded to a hundredth of a GB."""

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

PLACES_PER_PERSON = Decimal("0.36")
RECORDS_PER_PERSON_WORKFLOW_YEAR = 1
DOCUMENTS_PER_GB = Decimal(186_089)
ROOT_VOLUME_GB = Decimal(50)
DISK_USD_PER_GB_MONTH = Decimal("0.08")
USERS_PER_CPU = 288
RAM_GB_PER_CPU = 2
CPU_USD_PER_MONTH = Decimal("20.85")
DEFAULT_OVERPROVISIONING = 5

#: What the estimate leaves out: list these beside it.
NOT_INCLUDED = (
    _("Phones"),
    _("Data warehouse and dashboards"),
    _("Training of administrators and trainers"),
    _("App development"),
    _("Converting paper workflows to digital"),
    _("Backups"),
    _("Monitoring"),
    _("SMS"),
    _("Interoperability work"),
    _("Mobile device management"),
    _("Mobile data"),
    _("Moving to another provider"),
)

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Estimate:
    users: int
    population: int
    workflows: int
    years: int
    overprovisioning: int
    places: int
    contacts: int
    data_records: int
    documents: int
    database_disk_gb: Decimal  # exact
    disk_gb: Decimal  # rounded to 0.01 GB
    cpus: int
    ram_gb: int
    disk_monthly_usd: Decimal  # rounded to the cent
    cpu_monthly_usd: Decimal
    monthly_usd: Decimal
    not_included: tuple = NOT_INCLUDED

    @property
    def total_usd(self) -> Decimal:
        """The monthly cost over the whole deployment."""
        return self.monthly_usd * 12 * self.years


def estimate_hosting(
    *,
    users: int,
    population: int,
    workflows: int,
    years: int,
    overprovisioning: int = DEFAULT_OVERPROVISIONING,
) -> Estimate:
    """Documents, disk, CPUs, RAM and the monthly cost in USD of hosting one CHT instance."""
    for name, value, minimum in (
        ("users", users, 1),
        ("population", population, 0),
        ("workflows", workflows, 0),
        ("years", years, 1),
        ("overprovisioning", overprovisioning, 1),
    ):
        if value < minimum:
            raise ValueError(f"{name} must be at least {minimum}, not {value}")
    places = int((population * PLACES_PER_PERSON).to_integral_value(rounding=ROUND_CEILING))
    contacts = users + population + places
    data_records = population * workflows * years * RECORDS_PER_PERSON_WORKFLOW_YEAR
    documents = contacts + data_records
    database_disk_gb = Decimal(documents) / DOCUMENTS_PER_GB
    total_disk_gb = database_disk_gb * overprovisioning + ROOT_VOLUME_GB
    cpus = max(1, -(-users // USERS_PER_CPU))  # ceiling division, exact for integers
    disk_cost = total_disk_gb * DISK_USD_PER_GB_MONTH
    cpu_cost = cpus * CPU_USD_PER_MONTH
    return Estimate(
        users=users,
        population=population,
        workflows=workflows,
        years=years,
        overprovisioning=overprovisioning,
        places=places,
        contacts=contacts,
        data_records=data_records,
        documents=documents,
        database_disk_gb=database_disk_gb,
        disk_gb=total_disk_gb.quantize(CENT, rounding=ROUND_HALF_UP),
        cpus=cpus,
        ram_gb=cpus * RAM_GB_PER_CPU,
        disk_monthly_usd=disk_cost.quantize(CENT, rounding=ROUND_HALF_UP),
        cpu_monthly_usd=cpu_cost.quantize(CENT, rounding=ROUND_HALF_UP),
        monthly_usd=(disk_cost + cpu_cost).quantize(CENT, rounding=ROUND_HALF_UP),
    )
