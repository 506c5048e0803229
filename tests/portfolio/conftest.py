import pytest

from .seeding import seed_portfolio


@pytest.fixture
def seeded(db):
    return seed_portfolio()
