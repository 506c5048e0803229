"""`estimate_hosting` against examples worked out by hand from the CHT documentation's formula."""

from decimal import Decimal

import pytest

from plan.hosting.estimate import NOT_INCLUDED, estimate_hosting


def test_small_program_worked_by_hand():
    # 100 users, 10,000 people, 3 workflows, 2 years, 5× over-provisioning:
    # places = 10,000 × 0.36 = 3,600; contacts = 100 + 10,000 + 3,600 = 13,700
    # data records = 10,000 × 3 × 2 = 60,000; documents = 73,700
    # database disk = 73,700 / 186,089 = 0.396047 GB; disk = 0.396047 × 5 + 50 = 51.980235 GB
    # disk cost = 51.980235 × 0.08 = 4.158419; CPUs = ceil(100 / 288) = 1; RAM = 2 GB
    # monthly = 4.158419 + 20.85 = 25.008419 → USD 25.01
    estimate = estimate_hosting(users=100, population=10_000, workflows=3, years=2)
    assert estimate.places == 3_600
    assert estimate.contacts == 13_700
    assert estimate.data_records == 60_000
    assert estimate.documents == 73_700
    assert estimate.database_disk_gb.quantize(Decimal("0.000001")) == Decimal("0.396047")
    assert estimate.disk_gb == Decimal("51.98")
    assert estimate.cpus == 1
    assert estimate.ram_gb == 2
    assert estimate.disk_monthly_usd == Decimal("4.16")
    assert estimate.cpu_monthly_usd == Decimal("20.85")
    assert estimate.monthly_usd == Decimal("25.01")
    assert estimate.total_usd == Decimal("600.24")  # 25.01 × 12 × 2
    assert estimate.overprovisioning == 5  # the default


def test_large_program_worked_by_hand():
    # 1,000 users, 250,000 people, 8 workflows, 3 years, 5×:
    # places 90,000; contacts 341,000; data records 6,000,000; documents 6,341,000
    # database disk = 6,341,000 / 186,089 = 34.075093 GB; disk = 170.375466 + 50 = 220.375466
    # disk cost = 17.630037; CPUs = ceil(1,000 / 288) = 4 → RAM 8 GB, USD 83.40
    # monthly = 101.030037 → USD 101.03
    estimate = estimate_hosting(
        users=1_000, population=250_000, workflows=8, years=3, overprovisioning=5
    )
    assert estimate.documents == 6_341_000
    assert estimate.disk_gb == Decimal("220.38")
    assert (estimate.cpus, estimate.ram_gb) == (4, 8)
    assert estimate.disk_monthly_usd == Decimal("17.63")
    assert estimate.cpu_monthly_usd == Decimal("83.40")
    assert estimate.monthly_usd == Decimal("101.03")


def test_overprovisioning_multiplies_only_the_database_disk():
    # 73,700 documents at 10× → 3.960470 + 50 = 53.960470 GB → USD 4.316838 + 20.85 = 25.17
    estimate = estimate_hosting(
        users=100, population=10_000, workflows=3, years=2, overprovisioning=10
    )
    assert estimate.disk_gb == Decimal("53.96")
    assert estimate.monthly_usd == Decimal("25.17")


@pytest.mark.parametrize(
    ("users", "cpus"), [(1, 1), (287, 1), (288, 1), (289, 2), (576, 2), (577, 3)]
)
def test_one_cpu_per_288_users_rounded_up(users, cpus):
    estimate = estimate_hosting(users=users, population=0, workflows=0, years=1)
    assert estimate.cpus == cpus
    assert estimate.ram_gb == 2 * cpus
    assert estimate.cpu_monthly_usd == Decimal("20.85") * cpus


def test_no_population_leaves_the_root_volume_and_the_users():
    # 50 users are 50 documents: 50 / 186,089 × 5 = 0.001343 GB on top of the 50 GB root volume
    estimate = estimate_hosting(users=50, population=0, workflows=5, years=4)
    assert estimate.documents == 50
    assert estimate.disk_gb == Decimal("50.00")
    assert estimate.monthly_usd == Decimal("24.85")  # 50.001343 × 0.08 = 4.000107 + 20.85


def test_a_fraction_of_a_place_counts_as_a_place():
    assert estimate_hosting(users=1, population=1, workflows=0, years=1).places == 1
    assert estimate_hosting(users=1, population=25, workflows=0, years=1).places == 9


@pytest.mark.parametrize(
    "bad",
    [{"users": 0}, {"population": -1}, {"workflows": -1}, {"years": 0}, {"overprovisioning": 0}],
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
