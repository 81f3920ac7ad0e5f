"""The Redis cache keeps one client per connection pool and behaves as Django's own backend."""

from __future__ import annotations

import threading
import uuid

import pytest
import redis

from tutor.web.redis_cache import SharedClientRedisCache

REDIS = "redis://127.0.0.1:6379/9"


def redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(not redis_answers(), reason="no Redis at 127.0.0.1:6379")


def forget(prefix: str) -> None:
    """Delete this test's keys only: `clear()` empties the whole Redis database, under another test running at the
    same time in another process."""
    client = redis.Redis.from_url(REDIS)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


@pytest.fixture
def prefix():
    prefix = f"redis-cache-test-{uuid.uuid4().hex}"
    yield prefix
    forget(prefix)


@pytest.fixture
def cache(prefix):
    return SharedClientRedisCache(REDIS, {"KEY_PREFIX": prefix})


def test_every_call_uses_the_same_client_of_its_pool(cache):
    first = cache._cache.get_client("a")
    assert cache._cache.get_client("b") is first
    assert cache._cache.get_client("c", write=True) is first  # one server: reads and writes share its pool


def test_it_stores_reads_and_forgets_as_djangos_backend_does(cache):
    cache.set("session", {"user": 7}, 30)
    assert cache.get("session") == {"user": 7}
    assert cache.add("session", "other") is False
    cache.set_many({"a": 1, "b": 2})
    assert cache.get_many(["a", "b", "c"]) == {"a": 1, "b": 2}
    cache.delete("session")
    assert cache.get("session", "gone") == "gone"


def test_threads_share_the_client_safely(cache):
    errors = []

    def work(number: int) -> None:
        try:
            for round_ in range(50):
                cache.set(f"k{number}", round_)
                assert cache.get(f"k{number}") == round_
        except Exception as error:  # any failure fails the test below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_with_replicas_writes_go_to_the_first_server_and_reads_keep_one_client_per_server(prefix):
    backend = SharedClientRedisCache(f"{REDIS},{REDIS}", {"KEY_PREFIX": prefix})
    writer = backend._cache.get_client(write=True)
    assert backend._cache.get_client(write=True) is writer
    readers = {id(backend._cache.get_client()) for _ in range(40)}
    assert len(readers) <= 2
