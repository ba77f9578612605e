"""The delivery worker: drains the outbox through a notifier within Telegram's limits.

It claims due messages (hidden from other workers for a lease), queues them per chat, and sends
from several tasks at once, each send waiting for its turn under the global rate and for its chat
to be free (one message a second per chat). What Telegram answers decides what follows: sent;
paused and tried again (429); backed off (network errors, 5xx) until the attempts run out, then
dead; dropped (the person blocked the bot, the chat is unknown).

It claims only what it can start within the lease: per chat as many as the chat's pace allows
(``Limits.per_chat_claim``), overall what the global rate allows, so a backlog to one busy chat
drains at one a second while the rest of it stays in the queue for the next claims, and other
chats are claimed beside it. A chat whose older messages another worker holds (or a dead one,
until its lease ends) is left alone, so a chat's messages go out in their order.

A message is marked only after it was sent, so a worker that dies in between leaves it claimed:
when the lease ends it is claimed and sent again (at least once, never lost), before anything
newer to its chat. A message whose lease is nearly over is not started; its claim is released
and it is claimed again in its turn. While the database is away, claimed messages wait in their
chats' queues and marks that failed are made with the next claim.
"""

import asyncio
import logging
import math
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import attrs

from zavhoz.adapters.notifications.backoff import Backoff
from zavhoz.adapters.notifications.lifecycle import Sleep, Stoppable, Stopped
from zavhoz.adapters.notifications.limits import ChatLanes, Limits, RateLimiter
from zavhoz.application.delivery import (
    Delivery,
    DeliveryFailed,
    Notifier,
    RecipientBlocked,
    RecipientUnknown,
    RetryLater,
    TemporaryFailure,
)
from zavhoz.application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from zavhoz.application.transaction import in_transaction
from zavhoz.domain.errors import ConcurrentUpdate
from zavhoz.domain.ids import UserId
from zavhoz.domain.users import User

log = logging.getLogger("zavhoz.notifications")

_LONG_AGO = datetime(1970, 1, 1, tzinfo=UTC)
_Change = Callable[[UnitOfWork], Awaitable[None]]
ALBUM = 10
"""Telegram's most photos in one album."""


@attrs.define(eq=False)
class _Held:
    """A claimed message this worker holds, and when its lease began."""

    delivery: Delivery
    claimed_at: datetime


class DeliveryWorker(Stoppable):
    """``run()`` delivers until ``stop()``. Every wait goes through ``sleep`` and every time is
    read from ``clock``, so tests drive it with a fake clock; ``rng`` gives the backoff jitter."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        notifier: Notifier,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        limits: Limits | None = None,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__(sleep)
        self._uow_factory = uow_factory
        self._notifier = notifier
        self._clock = clock
        self.limits = limits or Limits()
        self._rng = rng or random.Random()
        self._backoff = Backoff(
            base=self.limits.backoff_base,
            cap=self.limits.backoff_cap,
            max_attempts=self.limits.max_attempts,
        )
        self._limiter = RateLimiter(self.limits.rate, clock, self.nap)
        self._lanes: ChatLanes[UserId, _Held] = ChatLanes(
            self.limits.per_chat_interval, order=lambda held: held.delivery.id
        )
        self._held: dict[int, _Held] = {}
        self._unreleased: set[int] = set()
        self._unmarked: list[_Change] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._woken = asyncio.Event()
        self._next_claim = _LONG_AGO
        self._slots: asyncio.Semaphore | None = None

    @property
    def held(self) -> int:
        """Claimed messages this worker holds (waiting or being sent)."""
        return len(self._held)

    async def run(self) -> None:
        """Deliver until ``stop()``; then let the sends in flight finish and be marked."""
        self._slots = asyncio.Semaphore(self.limits.concurrency)
        try:
            while not self.stopping:
                try:
                    await self._step(self._slots)
                except Stopped:
                    raise
                except Exception:
                    log.exception("the delivery worker stumbled; going on")
                    await self.nap(self.limits.idle)
        except Stopped:
            pass
        except BaseException:
            for task in self._tasks:
                task.cancel()
            raise
        finally:
            if self._tasks:
                await asyncio.gather(*self._tasks, return_exceptions=True)
            await self._pay_debts()

    async def _step(self, slots: asyncio.Semaphore) -> None:
        await self._top_up()
        self._woken.clear()
        popped = self._lanes.pop_ready(self._clock.now())
        if popped is None:
            await self.nap(self._seconds_to_wait(), self._woken)
            return
        chat, held = popped
        if self._lease_ending(held):
            self._let_go(chat, held)
            return
        await self.unless_stopped(slots.acquire())
        task = asyncio.create_task(self._deliver(chat, held, slots))
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: "asyncio.Task[None]") -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("a delivery task died: %r", task.exception())

    def _seconds_to_wait(self) -> float:
        now = self._clock.now()
        wake = now + timedelta(seconds=self.limits.idle)
        if self._may_claim():
            wake = min(wake, max(self._next_claim, now))
        ready = self._lanes.next_ready_at()
        if ready is not None:
            wake = min(wake, ready)
        return max((wake - now).total_seconds(), 0.0)

    # --- claiming -------------------------------------------------------------------------

    def _may_claim(self) -> bool:
        owed = bool(self._unreleased or self._unmarked)
        return owed or len(self._held) <= self.limits.claim_at_most // 2

    async def _top_up(self) -> None:
        now = self._clock.now()
        if not self._may_claim() or now < self._next_claim:
            return
        limit = max(self.limits.claim_at_most - len(self._held), 0)
        try:
            claimed = await self._claim(now, limit)
        except ConcurrentUpdate:
            # Another worker claimed some of them first: look again shortly.
            self._next_claim = now + timedelta(seconds=self.limits.idle * self._rng.random())
            return
        except Exception:
            log.exception("claiming outbox messages failed; trying again")
            self._next_claim = now + timedelta(seconds=self.limits.idle)
            return
        self._lanes.forget_before(now)
        drained = len(claimed) < limit
        self._next_claim = now + timedelta(seconds=self.limits.idle) if drained else now
        for delivery in claimed:
            self._hold(delivery, now)

    async def _claim(self, now: datetime, limit: int) -> list[Delivery]:
        """Make the marks owed, let go of the claims owed, and claim up to ``limit`` more."""
        marks, releasing = list(self._unmarked), set(self._unreleased)
        lease = timedelta(seconds=self.limits.lease)
        async with self._uow_factory() as uow:
            await _settle(uow, marks, releasing)
            claimed = await uow.deliveries.claim_fairly(
                now, limit, lease, self.limits.per_chat_claim, holding=list(self._held)
            )
            await uow.commit()
        self._paid(marks, releasing)
        return claimed

    async def _pay_debts(self) -> None:
        """On the way out: the marks and releases still owed, if the database lets us."""
        marks, releasing = list(self._unmarked), set(self._unreleased)
        if not (marks or releasing):
            return
        try:
            async with self._uow_factory() as uow:
                await _settle(uow, marks, releasing)
                await uow.commit()
        except Exception:
            log.exception("the marks and releases owed are lost; the leases run out instead")
            return
        self._paid(marks, releasing)

    def _paid(self, marks: list[_Change], releasing: set[int]) -> None:
        del self._unmarked[: len(marks)]
        self._unreleased -= releasing

    def _hold(self, delivery: Delivery, now: datetime) -> None:
        known = self._held.get(delivery.id)
        if known is not None:
            known.claimed_at = now  # claimed again after its lease ran out: a new lease
            return
        held = _Held(delivery, now)
        self._held[delivery.id] = held
        self._lanes.add(delivery.message.recipient, held)

    def _lease_ending(self, held: _Held) -> bool:
        return self._clock.now() > held.claimed_at + self.limits.hold_for

    def _let_go(self, chat: UserId, held: _Held) -> None:
        """Not started in time: its claim is released with the next claim, which takes it again."""
        self._forget(held)
        self._lanes.release(chat)

    def _forget(self, held: _Held) -> None:
        """No longer ours to send: its claim is released with the next claim."""
        self._held.pop(held.delivery.id, None)
        self._unreleased.add(held.delivery.id)

    # --- one message ----------------------------------------------------------------------

    async def _deliver(self, chat: UserId, held: _Held, slots: asyncio.Semaphore) -> None:
        free_at: datetime | None = None
        again = False
        try:
            free_at, again = await self._attempt(held)
        except Stopped:
            pass  # stopping before it went out: claimed again when the lease ends
        except Exception:
            # The database is away, say: it stays first in its chat's queue and is tried again.
            log.exception("delivering outbox message %s failed; trying again", held.delivery.id)
            free_at, again = self._clock.now() + timedelta(seconds=self.limits.idle), True
        finally:
            if again:
                self._lanes.put_back(chat, held)
            else:
                self._held.pop(held.delivery.id, None)
            self._lanes.release(chat, free_at)
            slots.release()
            self._woken.set()

    async def _attempt(self, held: _Held) -> tuple[datetime | None, bool]:
        """Send one message: when its chat is free again, and whether to try it again."""
        delivery = held.delivery
        user = await self._recipient(delivery)
        if user is None:
            return None, False
        calls = _api_calls(delivery)
        sent_at = await self._limiter.acquire(calls)
        if self._lease_ending(held):
            self._forget(held)
            return None, False
        if await self._send(delivery, user):
            return self._limiter.paused_until, True
        return sent_at + self._lanes.interval * calls, False

    async def _recipient(self, delivery: Delivery) -> User | None:
        """The person to send to, or None after dropping a message nobody can receive."""
        recipient = delivery.message.recipient

        async def check(uow: UnitOfWork) -> tuple[User | None, str]:
            user = await uow.users.get(recipient)
            if user is None:
                reason = "no such user"
            elif not user.is_active:
                reason = f"the user is {user.state.value}"
            elif not user.reachable:
                reason = "unreachable: the user blocked the bot"
            else:
                return user, ""
            await uow.deliveries.dropped(delivery.id, reason)
            return None, reason

        user, reason = await in_transaction(self._uow_factory, check)
        if user is None:
            log.info("outbox message %s to %s dropped: %s", delivery.id, recipient, reason)
        return user

    async def _send(self, delivery: Delivery, user: User) -> bool:
        """Send and mark; True when it must be tried again soon (Telegram asked to wait)."""
        try:
            await self._notifier.send(delivery.message, user)
        except RetryLater as error:
            until = self._limiter.pause(error.seconds)
            log.warning(
                "Telegram asked to wait %s s (429): sending paused until %s",
                error.seconds,
                until.isoformat(),
            )
            return True
        except TemporaryFailure as error:
            await self._failed(delivery, error)
        except RecipientBlocked:
            await self._blocked(delivery)
        except RecipientUnknown as error:
            reason = f"unknown chat ({error or 'chat not found'})"
            log.warning("outbox message %s to %s dropped: %s", delivery.id, user.id, reason)
            await self._mark(lambda uow: uow.deliveries.dropped(delivery.id, reason))
        except DeliveryFailed as error:
            await self._dead(delivery, _describe(error))
        except Exception as error:
            log.exception("sending outbox message %s failed unexpectedly", delivery.id)
            await self._failed(delivery, error)
        else:
            now = self._clock.now()
            await self._mark(lambda uow: uow.deliveries.sent(delivery.id, now))
        return False

    async def _failed(self, delivery: Delivery, error: Exception) -> None:
        """A failure worth another try: back off, or park it as dead when the tries run out."""
        failures = delivery.attempts + 1
        if self._backoff.exhausted(failures):
            await self._dead(delivery, f"gave up after {failures} attempts: {_describe(error)}")
            return
        delay = self._backoff.delay(failures, self._rng)
        at = self._clock.now() + timedelta(seconds=delay)
        log.info(
            "outbox message %s failed (attempt %s of %s): %s; next try in %.1f s",
            delivery.id,
            failures,
            self._backoff.max_attempts,
            _describe(error),
            delay,
        )
        await self._mark(lambda uow: uow.deliveries.retry(delivery.id, at, _describe(error)))

    async def _dead(self, delivery: Delivery, reason: str) -> None:
        message = delivery.message
        log.error(
            "outbox message %s (%s to %s) is dead: %s",
            delivery.id,
            message.template,
            message.recipient,
            reason,
        )
        await self._mark(lambda uow: uow.deliveries.dead(delivery.id, reason))

    async def _blocked(self, delivery: Delivery) -> None:
        recipient = delivery.message.recipient
        reason = "the user blocked the bot"

        async def unreachable(uow: UnitOfWork) -> None:
            user = await uow.users.get(recipient)
            if user is not None and user.reachable:
                user.reachable = False
                await uow.users.save(user)
            await uow.deliveries.dropped(delivery.id, reason)

        log.info("user %s blocked the bot: marked unreachable", recipient)
        await in_transaction(self._uow_factory, unreachable)

    async def _mark(self, change: _Change) -> None:
        """Record what became of a message; if that fails, with the next claim (never lost)."""
        try:
            await in_transaction(self._uow_factory, change)
        except Exception:
            log.exception("marking an outbox message failed; it is marked with the next claim")
            self._unmarked.append(change)


async def _settle(uow: UnitOfWork, marks: list[_Change], releasing: set[int]) -> None:
    for mark in marks:
        await mark(uow)
    await uow.deliveries.release(releasing)


def _api_calls(delivery: Delivery) -> int:
    """Bot API calls the message takes: the text, and its photos in albums of ten."""
    return 1 + math.ceil(len(delivery.message.attachments) / ALBUM)


def _describe(error: BaseException) -> str:
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
