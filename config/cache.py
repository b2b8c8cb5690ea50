"""Django's Redis cache with one client object per connection pool.

The stock client builds a new `redis.Redis` for every cache call, and building one fills its
command tables; on a page that reads the session, the user and a cached page that was most of
the time spent in the cache. The client is thread-safe and its pool is fork-safe, so one per
process is enough.
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
