"""The delivery queue over the in-memory outbox, staged and committed like everything else."""

from collections import Counter
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

import attrs

from zavhoz.adapters.persistence.memory.database import (
    DEAD,
    DROPPED,
    PENDING,
    SENDING,
    SENT,
    UNDELIVERED,
    DeliveryState,
    MemoryDatabase,
)
from zavhoz.adapters.persistence.memory.stage import DeliveryChange, Stage
from zavhoz.application.delivery import DeadLetter, Delivery, DeliveryQueue
from zavhoz.domain.ids import UserId


def _settling(change: DeliveryChange) -> DeliveryChange:
    """A report about a sending attempt; ignored once the message left the queue."""

    def settle(state: DeliveryState) -> DeliveryState:
        return change(state) if state.state in UNDELIVERED else state

    return settle


class MemoryDeliveryQueue(DeliveryQueue):
    def __init__(self, db: MemoryDatabase, stage: Stage) -> None:
        self._db = db
        self._stage = stage

    async def claim(self, now: datetime, limit: int, lease: timedelta) -> list[Delivery]:
        due = [i for i in self._ids() if _is_due(self._state(i), now)]
        return self._take(due[: max(limit, 0)], now, lease)

    async def claim_fairly(
        self,
        now: datetime,
        limit: int,
        lease: timedelta,
        per_recipient: int,
        holding: Collection[int] = (),
    ) -> list[Delivery]:
        in_flight, theirs = self._in_flight(now, set(holding))
        chosen: list[int] = []
        for delivery_id in self._ids():
            recipient = self._db.outbox[delivery_id - 1].recipient
            if len(chosen) >= limit:
                break
            if recipient in theirs or in_flight[recipient] >= per_recipient:
                continue
            if _is_due(self._state(delivery_id), now):
                in_flight[recipient] += 1
                chosen.append(delivery_id)
        return self._take(chosen, now, lease)

    async def release(self, delivery_ids: Collection[int]) -> None:
        for delivery_id in delivery_ids:
            if self._db.delivery(delivery_id) is not None:
                self._change(delivery_id, _releasing)

    async def sent(self, delivery_id: int, at: datetime) -> None:
        self._settle(
            delivery_id, lambda s: attrs.evolve(s, state=SENT, sent_at=at, next_attempt_at=None)
        )

    async def retry(self, delivery_id: int, at: datetime, error: str) -> None:
        self._settle(
            delivery_id,
            lambda s: attrs.evolve(
                s, state=PENDING, attempts=s.attempts + 1, next_attempt_at=at, last_error=error
            ),
        )

    async def dead(self, delivery_id: int, reason: str) -> None:
        self._settle(
            delivery_id,
            lambda s: attrs.evolve(s, state=DEAD, next_attempt_at=None, last_error=reason),
        )

    async def dropped(self, delivery_id: int, reason: str) -> None:
        self._settle(
            delivery_id,
            lambda s: attrs.evolve(s, state=DROPPED, next_attempt_at=None, last_error=reason),
        )

    async def dead_letters(self, limit: int) -> Sequence[DeadLetter]:
        letters: list[DeadLetter] = []
        for delivery_id in range(len(self._db.outbox), 0, -1):
            if len(letters) >= limit:
                break
            state = self._state(delivery_id)
            if state.state == DEAD:
                delivery = Delivery(delivery_id, self._db.outbox[delivery_id - 1], state.attempts)
                letters.append(DeadLetter(delivery, state.last_error or ""))
        return letters

    async def backlog(self, now: datetime) -> int:
        return sum(
            self._state(delivery_id).state in UNDELIVERED
            for delivery_id in range(1, len(self._db.outbox) + 1)
        )

    def _ids(self) -> range:
        return range(1, len(self._db.outbox) + 1)

    def _in_flight(self, now: datetime, mine: set[int]) -> tuple[Counter[UserId], set[UserId]]:
        """Messages being sent under a live lease per recipient; recipients with others' ones."""
        counts: Counter[UserId] = Counter()
        theirs: set[UserId] = set()
        for delivery_id in self._ids():
            if _is_leased(self._state(delivery_id), now):
                recipient = self._db.outbox[delivery_id - 1].recipient
                counts[recipient] += 1
                if delivery_id not in mine:
                    theirs.add(recipient)
        return counts, theirs

    def _take(self, chosen: list[int], now: datetime, lease: timedelta) -> list[Delivery]:
        claimed: list[Delivery] = []
        for delivery_id in chosen:
            state = self._state(delivery_id)
            self._stage.claimed.setdefault(delivery_id, state.revision)
            self._change(
                delivery_id, lambda s: attrs.evolve(s, state=SENDING, next_attempt_at=now + lease)
            )
            message = self._db.outbox[delivery_id - 1]
            claimed.append(Delivery(delivery_id, message, state.attempts))
        return claimed

    def _state(self, delivery_id: int) -> DeliveryState:
        staged = self._stage.deliveries.get(delivery_id)
        return staged or self._db.deliveries.get(delivery_id, DeliveryState())

    def _settle(self, delivery_id: int, change: DeliveryChange) -> None:
        if self._db.delivery(delivery_id) is not None:
            self._change(delivery_id, _settling(change))

    def _change(self, delivery_id: int, change: DeliveryChange) -> None:
        self._stage.deliveries[delivery_id] = change(self._state(delivery_id))
        self._stage.delivery_changes.append((delivery_id, change))


def _is_due(state: DeliveryState, now: datetime) -> bool:
    """Pending and due, or being sent by a worker whose lease ran out."""
    if state.state == PENDING:
        return state.next_attempt_at is None or state.next_attempt_at <= now
    return (
        state.state == SENDING
        and state.next_attempt_at is not None
        and state.next_attempt_at <= now
    )


def _is_leased(state: DeliveryState, now: datetime) -> bool:
    """Being sent by a worker whose lease still runs."""
    return (
        state.state == SENDING and state.next_attempt_at is not None and state.next_attempt_at > now
    )


def _releasing(state: DeliveryState) -> DeliveryState:
    """A claim let go: pending and due at once; anything else stays as it is."""
    if state.state != SENDING:
        return state
    return attrs.evolve(state, state=PENDING, next_attempt_at=None)
