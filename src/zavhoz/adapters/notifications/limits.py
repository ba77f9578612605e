"""Telegram's limits: messages per second overall, one message a second per chat, pauses on 429."""

import bisect
import heapq
import itertools
from collections import deque
from collections.abc import Callable, Hashable
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar

import attrs

from zavhoz.adapters.notifications.lifecycle import Sleep
from zavhoz.application.ports import Clock

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")

_LONG_AGO = datetime(1970, 1, 1, tzinfo=UTC)


@attrs.frozen(kw_only=True)
class Limits:
    """How fast and how patiently the worker delivers (times in seconds)."""

    rate: float = attrs.field(default=25.0, validator=attrs.validators.gt(0))
    """Messages per second overall; Telegram allows about 30."""
    per_chat_interval: float = attrs.field(default=1.0, validator=attrs.validators.ge(0))
    """The least time between two messages to one chat."""
    concurrency: int = attrs.field(default=16, validator=attrs.validators.gt(0))
    """Sends in flight at once, so the rate is reached although each send takes a while."""
    batch: int = attrs.field(default=100, validator=attrs.validators.gt(0))
    """Messages held in memory at most; more are claimed when fewer than half are left."""
    lease: float = attrs.field(default=120.0, validator=attrs.validators.gt(0))
    """How long a claimed message stays hidden from other workers (and its chat with it)."""
    send_budget: float = attrs.field(default=60.0, validator=attrs.validators.ge(0))
    """The longest one send may take: a message is not started once less of its lease is left."""
    idle: float = attrs.field(default=1.0, validator=attrs.validators.gt(0))
    """Seconds between looks at a queue that had nothing more."""
    max_attempts: int = attrs.field(default=12, validator=attrs.validators.gt(0))
    """Network errors and 5xx: tries before a message is parked as dead."""
    backoff_base: float = attrs.field(default=2.0, validator=attrs.validators.gt(0))
    backoff_cap: float = attrs.field(default=900.0, validator=attrs.validators.gt(0))

    def __attrs_post_init__(self) -> None:
        if self.send_budget >= self.lease:
            raise ValueError("the lease must be longer than the send budget")

    @property
    def hold_for(self) -> timedelta:
        """How long after its claim a message may still be started."""
        return timedelta(seconds=self.lease - self.send_budget)

    @property
    def per_chat_claim(self) -> int:
        """Messages to one chat in flight at most: as many as its pace lets start in time."""
        if self.per_chat_interval == 0:
            return self.batch
        startable = int(self.hold_for.total_seconds() / self.per_chat_interval)
        return min(self.batch, max(1, startable))

    @property
    def claim_at_most(self) -> int:
        """Messages held at most: the batch, or fewer if the global rate starts fewer in time."""
        return min(self.batch, max(1, int(self.rate * self.hold_for.total_seconds())))


class RateLimiter:
    """Lets sends go ``1 / rate`` apart overall; ``pause`` (a 429) holds every send until it ends.

    Sends are let go one at a time on a grid ``1 / rate`` apart, never before their point on it,
    so a late wake-up (a busy event loop) delays the sends behind it instead of letting them out
    together: no second holds more than ``rate`` sends (rounded up), nor is there a burst after
    a pause or an idle spell.
    """

    def __init__(self, rate: float, clock: Clock, sleep: Sleep) -> None:
        self._interval = timedelta(seconds=1 / rate)
        self._clock = clock
        self._sleep = sleep
        self._next = _LONG_AGO
        self._paused_until = _LONG_AGO

    @property
    def paused_until(self) -> datetime:
        return self._paused_until

    async def acquire(self, calls: int = 1) -> datetime:
        """Wait for the turn of a send of ``calls`` API calls; the moment it goes."""
        while True:
            now = self._clock.now()
            turn = max(self._next, self._paused_until)
            if turn <= now:
                # Woken a little late (timers overshoot), keep to the grid so the rate holds;
                # much later (idle, a busy loop), start afresh from now rather than catch up.
                start = turn if now - turn <= self._interval / 4 else now
                self._next = start + self._interval * max(calls, 1)
                return now
            await self._sleep((turn - now).total_seconds())

    def pause(self, seconds: float) -> datetime:
        """Telegram said "too many requests": nobody sends for ``seconds``; when sending resumes."""
        until = self._clock.now() + timedelta(seconds=max(seconds, 0.0))
        self._paused_until = max(self._paused_until, until)
        return self._paused_until


class ChatLanes(Generic[K, T]):
    """Items queued per chat, oldest first; a chat takes its next one an interval after its last.

    ``pop_ready`` hands out the item of a chat that is free now and marks the chat busy until
    ``release`` says when it is free again, so a waiting chat never holds up the others. With an
    ``order``, an item added goes to its place in its chat's queue (one claimed again after it
    was let go goes before newer ones); without, to the end.
    """

    def __init__(self, interval: float, order: Callable[[T], int] | None = None) -> None:
        self._interval = timedelta(seconds=interval)
        self._order_of = order
        self._queues: dict[K, deque[T]] = {}
        self._free_at: dict[K, datetime] = {}
        self._busy: set[K] = set()
        self._scheduled: dict[K, int] = {}
        self._heap: list[tuple[datetime, int, K]] = []
        self._order = itertools.count()
        self._count = 0

    def __len__(self) -> int:
        """Items waiting (not counting the ones handed out)."""
        return self._count

    def waiting(self, chat: K) -> int:
        return len(self._queues.get(chat, ()))

    def add(self, chat: K, item: T) -> None:
        self._place(chat, item, front=False)

    def put_back(self, chat: K, item: T) -> None:
        """Return an item handed out to the front of its chat's queue (to be tried again)."""
        self._place(chat, item, front=True)

    def _place(self, chat: K, item: T, front: bool) -> None:
        queue = self._queues.setdefault(chat, deque())
        if self._order_of is not None:
            queue.insert(bisect.bisect(queue, self._order_of(item), key=self._order_of), item)
        elif front:
            queue.appendleft(item)
        else:
            queue.append(item)
        self._count += 1
        self._schedule(chat)

    def pop_ready(self, now: datetime) -> tuple[K, T] | None:
        """The next item whose chat is free by ``now``, its chat then busy; None if none is."""
        while self._heap and self._heap[0][0] <= now:
            _, order, chat = heapq.heappop(self._heap)
            if self._scheduled.get(chat) != order:
                continue  # superseded
            del self._scheduled[chat]
            queue = self._queues[chat]
            item = queue.popleft()
            if not queue:
                del self._queues[chat]
            self._count -= 1
            self._busy.add(chat)
            return chat, item
        return None

    def release(self, chat: K, free_at: datetime | None = None) -> None:
        """The chat's item is done; the chat takes its next one at ``free_at`` (None: at once).

        ``sent_at + interval`` after a send; the end of a pause after a 429.
        """
        self._busy.discard(chat)
        if free_at is not None:
            self._free_at[chat] = max(self._free_at.get(chat, _LONG_AGO), free_at)
        self._schedule(chat)

    @property
    def interval(self) -> timedelta:
        return self._interval

    def next_ready_at(self) -> datetime | None:
        """When the earliest waiting chat becomes free (None: nothing waits on a free chat)."""
        while self._heap and self._scheduled.get(self._heap[0][2]) != self._heap[0][1]:
            heapq.heappop(self._heap)
        return self._heap[0][0] if self._heap else None

    def forget_before(self, now: datetime) -> None:
        """Forget chats free by ``now`` with nothing waiting (keeps the memory small)."""
        for chat in [c for c, t in self._free_at.items() if t <= now]:
            if chat not in self._queues and chat not in self._busy:
                del self._free_at[chat]

    def _schedule(self, chat: K) -> None:
        if chat in self._busy or chat in self._scheduled or chat not in self._queues:
            return
        order = next(self._order)
        self._scheduled[chat] = order
        heapq.heappush(self._heap, (self._free_at.get(chat, _LONG_AGO), order, chat))
