"""One person's updates one at a time across processes, and never locked out by a dead holder.

aiogram's ``RedisEventIsolation`` keeps a person's lock for 60 s: a killed process or a hung
Redis locked them out for a minute. Here the lock lapses ``ttl`` (5 s) after its holder stops
renewing it; a live holder renews it every ``ttl / 3`` while its update runs (a chart, a wait
for Telegram's ``retry_after``), for at most ``hold_at_most``. Within one process the updates
also queue first on a local first-come lock, so a person's updates are handled in the order
they arrived (Redis' lock would let waiters race). A lock that cannot be released (Redis is
gone) is logged, not raised: the update was handled, and the lock lapses by itself.
"""

import asyncio
import logging
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager

from aiogram.fsm.storage.base import BaseEventIsolation, KeyBuilder, StorageKey
from aiogram.fsm.storage.memory import SimpleEventIsolation
from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.exceptions import LockError, RedisError

log = logging.getLogger("zavhoz.telegram")

LOCK_TTL = 5.0
"""Seconds a person's lock outlives its holder: the longest a killed process locks them out.

Long enough for a renewal to arrive through a slow Redis (renewed every ``LOCK_TTL / 3``),
short enough that a person retrying after a crash is served at once."""

HOLD_AT_MOST = 60.0
"""Seconds a live holder keeps renewing (aiogram's old timeout): a stuck handler then lets go."""


class PersonBusy(LockError):
    """A person's lock stayed taken longer than any holder may keep it."""


class ShortLockIsolation(BaseEventIsolation):
    def __init__(
        self,
        redis: Redis,
        key_builder: KeyBuilder,
        ttl: float = LOCK_TTL,
        hold_at_most: float = HOLD_AT_MOST,
    ) -> None:
        self.redis = redis
        self.ttl = ttl
        self._keys = key_builder
        self._renewals = int(hold_at_most * 3 / ttl)
        self._wait_at_most = hold_at_most + ttl
        self._local = SimpleEventIsolation()

    def redis_lock(self, key: StorageKey) -> Lock:
        """The person's lock in Redis, as a holder takes it."""
        name = self._keys.build(key, "lock")
        return Lock(self.redis, name, timeout=self.ttl, blocking_timeout=self._wait_at_most)

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        async with self._local.lock(key):
            held = self.redis_lock(key)
            if not await held.acquire():
                raise PersonBusy(f"a person's lock stayed taken {self._wait_at_most:g} s")
            renewal = asyncio.create_task(self._renew(held))
            try:
                yield None
            finally:
                renewal.cancel()
                await self._release(held)

    async def _renew(self, held: Lock) -> None:
        """Keep a live holder's lock from lapsing, ``hold_at_most`` seconds at most."""
        try:
            for _ in range(self._renewals):
                await asyncio.sleep(self.ttl / 3)
                await held.reacquire()
        except RedisError:
            log.warning("could not renew a person's lock; it lapses by itself", exc_info=True)

    async def _release(self, held: Lock) -> None:
        try:
            await held.release()
        except RedisError:
            log.warning("could not release a person's lock; it lapses by itself", exc_info=True)

    async def close(self) -> None:
        await self._local.close()
