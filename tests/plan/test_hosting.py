"""`estimate_hosting` against cases worked out by hand from the CHT documentation's calculator
(June 2026): places = floor(0.36 × population), database disk = ceil(documents / 186,089) GB,
CPUs from users and documents per user, USD 0.96 per GB-year and USD 20.85 per CPU-month."""

from decimal import Decimal

import pytest

from plan.hosting.estimate import DOCKER_FLOOR, NOT_INCLUDED, estimate_hosting

D = Decimal


def test_the_documentations_large_deployment():
    # 2,000,000 people, 20 workflows, 5,000 users, 3 years (the calculator: about USD 1,342 a
    # month, 49 CPUs, 4,010 GB):
    # places 720,000; contacts 2,725,000; reports 20 × 2,000,000 × 3 = 120,000,000
    # documents 122,725,000 → database disk ceil(659.50) = 660 GB; disk 660 + 3,300 + 50 = 4,010
    # documents per user 24,545 → CPU factor 2.81576 → CPUs ceil(5,000 × 2.81576 / 288) = 49
    # yearly 4,010 × 0.96 + 49 × 20.85 × 12 = 3,849.60 + 12,259.80 = 16,109.40 → 1,342.45 a month
    estimate = estimate_hosting(users=5_000, population=2_000_000, workflows=20, years=3)
    assert (estimate.places, estimate.contacts) == (720_000, 2_725_000)
    assert (estimate.reports, estimate.documents) == (120_000_000, 122_725_000)
    assert (estimate.database_disk_gb, estimate.overprovisioned_gb) == (660, 3_300)
    assert estimate.disk_gb == 4_010
    assert estimate.documents_per_user == D(24_545)
    assert estimate.cpus == 49 and estimate.ram_gb == 98
    assert estimate.disk_yearly_usd == D("3849.60")
    assert estimate.cpu_yearly_usd == D("12259.80")
    assert estimate.yearly_usd == D("16109.40")
    assert estimate.monthly_usd == D("1342.45")
    assert estimate.usd_per_health_worker_month == D("0.27")  # 1,342.45 / 5,000
    assert estimate.usd_per_health_worker_year == D("3.22")  # 16,109.40 / 5,000
    # 400 people and 24,545 documents per health worker: both over the calculator's warnings.
    assert estimate.people_per_health_worker == 400
    assert estimate.too_many_people_per_health_worker
    assert estimate.too_many_documents_per_health_worker
    assert not estimate.below_floor
    assert estimate.upgrade_disk_gb == 3_300


def test_a_small_program():
    # 100 users, 10,000 people, 3 workflows, 2 years:
    # places 3,600; contacts 13,700; reports 60,000; documents 73,700 → ceil(0.396) = 1 GB
    # disk 1 + 5 + 50 = 56 GB; 737 documents per user → factor 1 → 1 CPU, 2 GB RAM
    # yearly 56 × 0.96 + 250.20 = 53.76 + 250.20 = 303.96 → 25.33 a month
    estimate = estimate_hosting(users=100, population=10_000, workflows=3, years=2)
    assert estimate.documents == 73_700
    assert (estimate.database_disk_gb, estimate.disk_gb) == (1, 56)
    assert (estimate.cpus, estimate.ram_gb) == (1, 2)
    assert estimate.yearly_usd == D("303.96")
    assert estimate.monthly_usd == D("25.33")
    # Year 1 (43,700 documents) needs the same instance: 2 × 303.96.
    assert estimate.deployment_usd == D("607.92")
    assert estimate.overprovisioning == 5  # the default
    assert not estimate.too_many_people_per_health_worker
    # 1 CPU, 2 GB, 56 GB: under the documented Docker production floor of 4 CPUs, 8 GB, 100 GB.
    assert estimate.below_floor
    assert (DOCKER_FLOOR.cpus, DOCKER_FLOOR.ram_gb, DOCKER_FLOOR.disk_gb) == (4, 8, 100)


def test_a_medium_program_over_three_years():
    # 1,000 users, 250,000 people, 8 workflows, 3 years:
    # places 90,000; contacts 341,000; reports 6,000,000; documents 6,341,000 → 35 GB database
    # disk 35 + 175 + 50 = 260; 6,341 per user → factor 1 → ceil(1,000 / 288) = 4 CPUs
    # yearly 260 × 0.96 + 4 × 250.20 = 249.60 + 1,000.80 = 1,250.40 → 104.20 a month
    # year 1: 2,341,000 documents → 13 GB → disk 128 → 122.88 + 1,000.80 = 1,123.68
    # year 2: 4,341,000 → 24 GB → disk 194 → 186.24 + 1,000.80 = 1,187.04; sum 3,561.12
    estimate = estimate_hosting(users=1_000, population=250_000, workflows=8, years=3)
    assert (estimate.database_disk_gb, estimate.disk_gb, estimate.cpus) == (35, 260, 4)
    assert estimate.monthly_usd == D("104.20")
    assert estimate.deployment_usd == D("3561.12")


def test_the_advanced_inputs():
    # The small program with 2 reports per workflow-year, 50 users per CPU and 10× headroom:
    # reports 3 × 10,000 × 2 × 2 = 120,000; documents 133,700 → 1 GB; disk 1 + 10 + 50 = 61
    # CPUs ceil(100 / 50) = 2, 4 GB; yearly 61 × 0.96 + 2 × 250.20 = 58.56 + 500.40 = 558.96
    estimate = estimate_hosting(
        users=100,
        population=10_000,
        workflows=3,
        years=2,
        overprovisioning=10,
        reports_per_workflow_year=2,
        users_per_cpu=50,
    )
    assert (estimate.reports, estimate.documents) == (120_000, 133_700)
    assert estimate.disk_gb == 61
    assert (estimate.cpus, estimate.ram_gb) == (2, 4)
    assert estimate.yearly_usd == D("558.96")
    assert estimate.monthly_usd == D("46.58")


def test_observed_documents_per_gb_calibrate_the_disk():
    # A live instance that stores 50,000 documents per GB: 73,700 documents → 2 GB, disk 62.
    estimate = estimate_hosting(
        users=100, population=10_000, workflows=3, years=2, documents_per_gb=50_000
    )
    assert (estimate.database_disk_gb, estimate.disk_gb) == (2, 62)


def test_many_documents_per_user_need_more_cpus():
    # 10 users, 100,000 people, 10 workflows, 1 year: 1,036,010 documents, 103,601 per user
    # → factor 11.885 → ceil(10 × 11.885 / 288) = 1; with 300 users: 3,453 per user → factor 1
    # → ceil(300 / 288) = 2. With 100 users and 1,000,000 people: 10,460,100 documents,
    # 104,601 per user → factor 12.0 → ceil(100 × 12.0 / 288) = 5 CPUs.
    assert estimate_hosting(users=10, population=100_000, workflows=10, years=1).cpus == 1
    assert estimate_hosting(users=300, population=100_000, workflows=10, years=1).cpus == 2
    assert estimate_hosting(users=100, population=1_000_000, workflows=10, years=1).cpus == 5


@pytest.mark.parametrize(
    ("users", "cpus"), [(1, 1), (287, 1), (288, 1), (289, 2), (576, 2), (577, 3)]
)
def test_one_cpu_per_288_users_rounded_up(users, cpus):
    estimate = estimate_hosting(users=users, population=0, workflows=0, years=1)
    assert estimate.cpus == cpus
    assert estimate.ram_gb == 2 * cpus
    assert estimate.cpu_yearly_usd == D("20.85") * 12 * cpus


def test_the_database_disk_is_at_least_one_gb():
    # 50 users are 50 documents: still 1 GB of database, 1 + 5 + 50 = 56 GB.
    estimate = estimate_hosting(users=50, population=0, workflows=5, years=4)
    assert estimate.documents == 50
    assert (estimate.database_disk_gb, estimate.disk_gb) == (1, 56)
    assert estimate.monthly_usd == D("25.33")  # (53.76 + 250.20) / 12


def test_places_are_rounded_down_as_the_calculator_does():
    assert estimate_hosting(users=1, population=1, workflows=0, years=1).places == 0
    assert estimate_hosting(users=1, population=25, workflows=0, years=1).places == 9


@pytest.mark.parametrize(
    "bad",
    [
        {"users": 0},
        {"population": -1},
        {"workflows": -1},
        {"years": 0},
        {"overprovisioning": 0},
        {"reports_per_workflow_year": -1},
        {"users_per_cpu": 0},
    ],
)
def test_impossible_inputs_are_refused(bad):
    inputs = {"users": 10, "population": 100, "workflows": 1, "years": 1, **bad}
    with pytest.raises(ValueError, match=next(iter(bad))):
        estimate_hosting(**inputs)


def test_the_estimate_lists_what_it_leaves_out():
    estimate = estimate_hosting(users=100, population=10_000, workflows=3, years=2)
    left_out = [str(item) for item in estimate.not_included]
    assert left_out == [str(item) for item in NOT_INCLUDED]
    for cost in ["Phones", "Backups", "Monitoring", "SMS", "Mobile data", "App development"]:
        assert cost in left_out
