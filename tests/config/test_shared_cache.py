"""CACHE_URL=redis://…: the pages worked out once per data version are kept in a real Redis,
where every web worker finds them; a committed change is worked out again at the next load."""

import pytest
import redis
from django.urls import reverse

from chtprograms.models import Program
from tests.factories import bulk_programs, reviewer
from tests.queries import get_counted, pinned
from tests.services import PrivateRedis

pytestmark = [pytest.mark.django_db, pytest.mark.services]


@pytest.fixture
def shared_cache(settings, tmp_path):
    """Django's Redis cache backend on a redis-server of the test's own (nothing is left behind
    in the shared one), as `CACHE_URL=redis://…` configures it."""
    server = PrivateRedis(tmp_path).start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url(db=1),
        }
    }
    try:
        yield redis.Redis(port=server.port, db=1)
    finally:
        server.stop()


def test_the_dashboard_and_the_list_are_kept_in_redis_for_every_worker(client, shared_cache):
    client.force_login(reviewer())
    bulk_programs(3, prefix="shared")
    urls = [reverse("portfolio:dashboard"), reverse("chtprograms:program-list")]
    first = {url: get_counted(client, url)[1].context["content"] for url in urls}
    assert len(shared_cache.keys("*data_version:*")) == 2  # one page each, in Redis

    # Another worker (another process: nothing in this one's memory) is served from Redis.
    again, answer = get_counted(client, urls[0])
    assert answer.context["content"] == first[urls[0]]
    again.assert_count(pinned("portfolio, unchanged"))

    Program.objects.filter(name__startswith="shared").update(health="off_track")
    changed, answer = get_counted(client, urls[0])
    changed.assert_count(pinned("portfolio"))  # worked out again from the records
    assert answer.context["content"] != first[urls[0]]
    assert len(shared_cache.keys("*data_version:*")) == 3
