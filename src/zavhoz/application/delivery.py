"""Delivering outbox messages: the queue the worker drains and the notifier it sends through.

The worker (an adapter) follows Telegram's limits; these ports keep it free of SQL and of aiogram.
"""

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Protocol

import attrs

from zavhoz.application.messages import OutboxMessage
from zavhoz.domain.users import User


@attrs.frozen
class Delivery:
    """An outbox message claimed for sending, with how often it was tried before (retries)."""

    id: int
    message: OutboxMessage
    attempts: int


@attrs.frozen
class DeadLetter:
    delivery: Delivery
    reason: str


class DeliveryQueue(Protocol):
    """The outbox seen by the delivery worker; every call takes effect on ``uow.commit()``.

    A message is pending, then being sent (claimed, under a lease), then sent, dead or dropped;
    a retry makes it pending again. Delivery ids are the outbox rows' ids.
    """

    async def claim(self, now: datetime, limit: int, lease: timedelta) -> list[Delivery]:
        """Pending messages due by ``now``, oldest first, hidden from other workers for ``lease``.

        A worker that dies after claiming leaves them to be claimed again when the lease ends:
        messages being sent whose lease ended by ``now`` are handed out again (attempts unchanged).
        Commit the claim before sending, so that the lease outlives this transaction. Two units of
        work never both claim a message: PostgreSQL skips rows another one has locked, SQLite
        serialises writers, and the in-memory adapter fails the later commit with
        ``ConcurrentUpdate``.
        """

    async def claim_fairly(
        self,
        now: datetime,
        limit: int,
        lease: timedelta,
        per_recipient: int,
        holding: Collection[int] = (),
    ) -> list[Delivery]:
        """Like ``claim``, but no recipient ends up with more than ``per_recipient`` being sent.

        Messages being sent under a live lease count against their recipient's share, and a
        recipient with one of them outside ``holding`` (the caller's own claims) is skipped
        altogether: its older messages belong to another worker, or to a dead one whose lease
        must run out first, so its messages go out in order and one worker serves a chat at a
        time.
        """

    async def release(self, delivery_ids: Collection[int]) -> None:
        """Let go of claimed messages that will not be sent in time: pending and due at once,
        attempts unchanged, so the next claim takes them again in their order. Only messages
        still being sent change."""

    async def sent(self, delivery_id: int, at: datetime) -> None:
        """Delivered: leaves the queue.

        This and the three below apply only while the message is pending or being sent; a late
        report about one already sent, dead or dropped (say, after the lease ran out and another
        worker finished it) changes nothing.
        """

    async def retry(self, delivery_id: int, at: datetime, error: str) -> None:
        """Try again at ``at`` (pending again, not claimed before then); counts an attempt."""

    async def dead(self, delivery_id: int, reason: str) -> None:
        """Give up: kept, with the reason, for operators to see."""

    async def dropped(self, delivery_id: int, reason: str) -> None:
        """Nothing to deliver to (blocked bot, unknown chat): kept as dropped, not retried."""

    async def dead_letters(self, limit: int) -> Sequence[DeadLetter]:
        """Dead messages, newest first; ``attempts`` counts the retries before it died."""

    async def backlog(self, now: datetime) -> int:
        """Messages waiting to be sent: pending (due or not) and being sent."""


class DeliveryFailed(Exception):
    """Base of what a notifier reports; the worker decides what follows."""


class RetryLater(DeliveryFailed):
    """Telegram asked to wait (429): try again after ``seconds``."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = seconds


class TemporaryFailure(DeliveryFailed):
    """A network error, a timeout or a 5xx: back off and try again."""


class RecipientBlocked(DeliveryFailed):
    """The person blocked the bot (403): stop sending to them until they write again."""


class RecipientUnknown(DeliveryFailed):
    """Telegram does not know the chat (400 chat not found): drop the message."""


class Notifier(Protocol):
    async def send(self, message: OutboxMessage, recipient: User) -> None:
        """Render ``message`` in the recipient's language and send it; raise ``DeliveryFailed``."""
