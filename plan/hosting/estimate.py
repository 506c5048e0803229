"""The CHT documentation's hosting cost calculator, as a pure function.

It follows the calculator of the CHT documentation's "Hosting costs" page (`costs.md` and its
`cost-calculator.js`, June 2026 version):

    places             = floor(population × 0.36)
    contacts           = users + population + places
    reports            = workflows × population × deployment years × reports per workflow-year (1)
    documents          = contacts + reports
    database disk      = ceil(documents / 186,089) GB, at least 1
    disk               = database disk + database disk × over-provisioning (5) + 50 GB root volume
    documents per user = documents / users
    CPU factor         = max(1, documents per user / 8,717)
    CPUs               = max(1, ceil(users × CPU factor / users per CPU (288)));  RAM = 2 GB a CPU
    yearly cost        = disk × USD 0.96 + CPUs × USD 20.85 × 12;  monthly = yearly / 12

The cost is that of the instance in the deployment's final year (when it holds the most data),
not a sum over the years; `deployment_usd` adds up each year at that year's size, for a budget.
"Users" are the health workers and supervisors with a CHT account."""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

CALCULATOR_VERSION = _("the CHT documentation's hosting cost calculator, June 2026")

PLACES_PER_PERSON = Decimal("0.36")
DEFAULT_REPORTS_PER_WORKFLOW_YEAR = 1
DOCUMENTS_PER_GB = 186_089
DOCUMENTS_PER_USER_BASELINE = 8_717
ROOT_VOLUME_GB = 50
DISK_USD_PER_GB_YEAR = Decimal("0.96")
DEFAULT_USERS_PER_CPU = 288
RAM_GB_PER_CPU = 2
CPU_USD_PER_MONTH = Decimal("20.85")
DEFAULT_OVERPROVISIONING = 5
#: Above these, the calculator warns: a health worker serves too many people, or holds too
#: many documents on the phone.
PEOPLE_PER_HEALTH_WORKER_WARNING = 250
DOCUMENTS_PER_HEALTH_WORKER_WARNING = 20_000
#: An upgrade can need up to this many times the CouchDB space while it runs.
UPGRADE_SPACE_FACTOR = 5


@dataclass(frozen=True)
class Floor:
    """The documented production minimum of one way of hosting the CHT."""

    name: str
    cpus: int
    ram_gb: int
    disk_gb: int
    note: str = ""


#: The CHT documentation's production requirements ("Hosting requirements").
PRODUCTION_FLOORS = (
    Floor(name="Docker", cpus=4, ram_gb=8, disk_gb=100),
    Floor(
        name="K3s",
        cpus=2 + 3 * 8,
        ram_gb=2 + 3 * 16,
        disk_gb=20 + 3 * 50,
        note=_(
            "a control node of 2 CPUs, 2 GB RAM and 20 GB, and three workers of 8 CPUs, "
            "16 GB RAM and 50 GB each"
        ),
    ),
)
DOCKER_FLOOR = PRODUCTION_FLOORS[0]

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


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Estimate:
    # the inputs
    users: int
    population: int
    workflows: int
    years: int
    overprovisioning: int
    reports_per_workflow_year: int
    users_per_cpu: int
    documents_per_gb: int
    # documents
    places: int
    contacts: int
    reports: int
    documents: int
    # the instance in the final year
    database_disk_gb: int
    overprovisioned_gb: int
    root_volume_gb: int
    disk_gb: int
    documents_per_user: Decimal
    cpu_factor: Decimal
    cpus: int
    ram_gb: int
    # its cost, in US dollars, rounded to the cent
    disk_yearly_usd: Decimal
    cpu_yearly_usd: Decimal
    yearly_usd: Decimal
    monthly_usd: Decimal
    usd_per_health_worker_month: Decimal
    usd_per_health_worker_year: Decimal
    #: each year of the deployment at that year's size, added up (for a budget)
    deployment_usd: Decimal
    not_included: tuple = NOT_INCLUDED

    @property
    def people_per_health_worker(self) -> Decimal:
        return Decimal(self.population) / self.users

    @property
    def too_many_people_per_health_worker(self) -> bool:
        return self.people_per_health_worker > PEOPLE_PER_HEALTH_WORKER_WARNING

    @property
    def too_many_documents_per_health_worker(self) -> bool:
        return self.documents_per_user > DOCUMENTS_PER_HEALTH_WORKER_WARNING

    @property
    def below_floor(self) -> bool:
        """Smaller than the documented Docker production minimum in CPUs, RAM or disk."""
        floor = DOCKER_FLOOR
        return self.cpus < floor.cpus or self.ram_gb < floor.ram_gb or self.disk_gb < floor.disk_gb

    @property
    def upgrade_disk_gb(self) -> int:
        """The CouchDB space an upgrade may need while it runs."""
        return self.database_disk_gb * UPGRADE_SPACE_FACTOR


def _instance(
    *, users, population, workflows, years, overprovisioning, reports_per_workflow_year,
    users_per_cpu, documents_per_gb,
) -> dict:  # fmt: skip
    places = math.floor(population * PLACES_PER_PERSON)
    contacts = users + population + places
    reports = workflows * population * years * reports_per_workflow_year
    documents = contacts + reports
    database_disk_gb = max(1, -(-documents // documents_per_gb))  # ceiling, exact on integers
    overprovisioned_gb = database_disk_gb * overprovisioning
    disk_gb = database_disk_gb + overprovisioned_gb + ROOT_VOLUME_GB
    documents_per_user = Decimal(documents) / users
    cpu_factor = max(Decimal(1), documents_per_user / DOCUMENTS_PER_USER_BASELINE)
    cpus = max(1, math.ceil(users * cpu_factor / users_per_cpu))
    disk_yearly = disk_gb * DISK_USD_PER_GB_YEAR
    cpu_yearly = cpus * CPU_USD_PER_MONTH * 12
    return {
        "places": places,
        "contacts": contacts,
        "reports": reports,
        "documents": documents,
        "database_disk_gb": database_disk_gb,
        "overprovisioned_gb": overprovisioned_gb,
        "disk_gb": disk_gb,
        "documents_per_user": documents_per_user,
        "cpu_factor": cpu_factor,
        "cpus": cpus,
        "disk_yearly": disk_yearly,
        "cpu_yearly": cpu_yearly,
    }


def estimate_hosting(
    *,
    users: int,
    population: int,
    workflows: int,
    years: int,
    overprovisioning: int = DEFAULT_OVERPROVISIONING,
    reports_per_workflow_year: int = DEFAULT_REPORTS_PER_WORKFLOW_YEAR,
    users_per_cpu: int = DEFAULT_USERS_PER_CPU,
    documents_per_gb: int = DOCUMENTS_PER_GB,
) -> Estimate:
    """The instance a deployment needs in its final year, and what it costs in US dollars.

    `documents_per_gb` can be calibrated with what a live instance of the program actually
    stores; the calculator's figure is the default."""
    for name, value, minimum in (
        ("users", users, 1),
        ("population", population, 0),
        ("workflows", workflows, 0),
        ("years", years, 1),
        ("overprovisioning", overprovisioning, 1),
        ("reports_per_workflow_year", reports_per_workflow_year, 0),
        ("users_per_cpu", users_per_cpu, 1),
        ("documents_per_gb", documents_per_gb, 1),
    ):
        if value < minimum:
            raise ValueError(f"{name} must be at least {minimum}, not {value}")
    inputs = {
        "users": users,
        "population": population,
        "workflows": workflows,
        "overprovisioning": overprovisioning,
        "reports_per_workflow_year": reports_per_workflow_year,
        "users_per_cpu": users_per_cpu,
        "documents_per_gb": documents_per_gb,
    }
    final = _instance(years=years, **inputs)
    yearly = final["disk_yearly"] + final["cpu_yearly"]
    deployment = sum(
        (
            each["disk_yearly"] + each["cpu_yearly"]
            for each in (_instance(years=year, **inputs) for year in range(1, years + 1))
        ),
        Decimal(0),
    )
    return Estimate(
        users=users,
        population=population,
        workflows=workflows,
        years=years,
        overprovisioning=overprovisioning,
        reports_per_workflow_year=reports_per_workflow_year,
        users_per_cpu=users_per_cpu,
        documents_per_gb=documents_per_gb,
        places=final["places"],
        contacts=final["contacts"],
        reports=final["reports"],
        documents=final["documents"],
        database_disk_gb=final["database_disk_gb"],
        overprovisioned_gb=final["overprovisioned_gb"],
        root_volume_gb=ROOT_VOLUME_GB,
        disk_gb=final["disk_gb"],
        documents_per_user=final["documents_per_user"],
        cpu_factor=final["cpu_factor"],
        cpus=final["cpus"],
        ram_gb=final["cpus"] * RAM_GB_PER_CPU,
        disk_yearly_usd=_cents(final["disk_yearly"]),
        cpu_yearly_usd=_cents(final["cpu_yearly"]),
        yearly_usd=_cents(yearly),
        monthly_usd=_cents(yearly / 12),
        usd_per_health_worker_month=_cents(yearly / 12 / users),
        usd_per_health_worker_year=_cents(yearly / users),
        deployment_usd=_cents(deployment),
    )
