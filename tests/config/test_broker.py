"""config/broker.py: kombu's Redis transport stops a busy worker that loses Redis
(`AttributeError: 'NoneType' object has no attribute 'hostname'`); the patch keeps it going.

On a redis-server of the test's own (never the shared one)."""

import pytest
from kombu import Connection, Exchange, Queue
from kombu.transport import redis as transport

from config.broker import patch_redis_transport
from tests.services import PrivateRedis

pytestmark = pytest.mark.services


@pytest.fixture
def redis_server(tmp_path):
    server = PrivateRedis(tmp_path).start()
    yield server
    server.stop()


def a_message_in_flight(url: str):
    """A message received and not yet acknowledged (a task running with acks_late), then the
    consumer's clean-up after a broken connection: the channel's pool is dropped and the
    transport forgets its connection (`Connection.collect()` / `close()` do both)."""
    connection = Connection(url)
    queue = Queue("broker-patch", Exchange("broker-patch"), "broker-patch")
    with connection.Producer() as producer:
        producer.publish(
            {"n": 1}, exchange=queue.exchange, routing_key="broker-patch", declare=[queue]
        )
    channel = connection.channel()
    message = queue(channel).get(no_ack=False)
    assert message.payload == {"n": 1}
    channel._disconnect_pools()
    connection._do_close_transport()
    return channel, message


def test_the_installed_kombu_still_has_the_bug(redis_server):
    """If this fails, kombu fixed it: remove config/broker.py."""
    channel, _message = a_message_in_flight(redis_server.url())
    original = transport.Channel._chtprograms_original_connparams
    with pytest.raises(AttributeError, match="'NoneType' object has no attribute 'hostname'"):
        original(channel)


def test_with_the_patch_the_late_acknowledgement_reaches_redis(redis_server):
    assert patch_redis_transport() is True
    assert patch_redis_transport() is True  # once only
    channel, message = a_message_in_flight(redis_server.url())
    message.ack()  # without the patch: the AttributeError above, and the worker exits
    probe = Connection(redis_server.url())
    client = probe.default_channel.client
    assert client.hlen("unacked") == 0  # acknowledged in Redis: not redelivered later
    probe.release()
