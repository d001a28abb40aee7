"""A Redis cache that degrades instead of failing when Redis is unreachable.

The cache holds only soft state (the public forms' per-address counts and one-answer-per-device marks), so
with Redis down the public forms keep taking answers without those limits, and the failure is logged.
The fallbacks are chosen so callers carry on: `add` answers True ("first time"), `get` the default,
`incr` 1, writes do nothing.
"""

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

log = logging.getLogger("bianzhi.cache")


def _degraded(name: str, fallback):
    parent = getattr(RedisCache, name)

    def method(self, *args, **kwargs):
        try:
            return parent(self, *args, **kwargs)
        except (RedisError, OSError) as exc:
            log.warning("cache %s failed, carrying on without it: %s", name, exc)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = name
    return method


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client makes a new redis.Redis for every cache call, copying its ~170 reply callbacks each time
    (a quarter of a millisecond of a public submit). A redis.Redis is thread-safe and owns nothing but a
    reference to its pool, so one per pool serves every call."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        if index not in self._clients:
            self._clients[index] = super().get_client(key, write=write)
        return self._clients[index]


class DegradingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    add = _degraded("add", True)
    get = _degraded("get", lambda key, default=None, version=None: default)
    set = _degraded("set", None)
    touch = _degraded("touch", False)
    delete = _degraded("delete", False)
    get_many = _degraded("get_many", lambda *args, **kwargs: {})
    has_key = _degraded("has_key", False)
    incr = _degraded("incr", lambda key, delta=1, version=None: delta)
    decr = _degraded("decr", lambda key, delta=1, version=None: -delta)
    set_many = _degraded("set_many", lambda *args, **kwargs: [])
    delete_many = _degraded("delete_many", None)
    clear = _degraded("clear", False)
    get_or_set = _degraded("get_or_set", lambda key, default, timeout=None, version=None: default() if callable(default) else default)
