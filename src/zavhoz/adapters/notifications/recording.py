"""A notifier for tests: records what was sent and fails on cue.

    notifier = RecordingNotifier(clock)
    notifier.script(RetryLater(3), None)                 # 429, then success
    notifier.script(RecipientBlocked(), to=UserId(101))  # the next call to 101 answers 403
    notifier.script(Crash(), delivered=True)             # sent, then the worker dies

Scripted outcomes for a recipient are used before the general ones; without any, sends succeed.
"""

from collections import deque
from datetime import datetime

import attrs

from zavhoz.adapters.notifications.lifecycle import Sleep
from zavhoz.application.delivery import Notifier
from zavhoz.application.messages import OutboxMessage
from zavhoz.application.ports import Clock
from zavhoz.domain.ids import UserId
from zavhoz.domain.users import User


class Crash(BaseException):
    """The process dies in the middle of a send: not an error the worker may catch."""


@attrs.frozen
class Call:
    """One call of ``send``: what, to whom, when (by the clock), and what came of it."""

    message: OutboxMessage
    recipient: UserId
    at: datetime | None
    delivered: bool
    error: BaseException | None = None


@attrs.frozen
class _Outcome:
    error: BaseException | None
    delivered: bool


class RecordingNotifier(Notifier):
    """Records every call; ``sent`` are the messages that reached the person.

    With ``sleep`` and ``latency``, each call takes ``latency`` seconds (on the clock that
    ``sleep`` moves), like a request to Telegram does.
    """

    def __init__(
        self, clock: Clock | None = None, sleep: Sleep | None = None, latency: float = 0.0
    ) -> None:
        self.calls: list[Call] = []
        self.in_flight = 0
        """Calls begun and not yet answered."""
        self._clock = clock
        self._sleep = sleep
        self._latency = latency
        self._general: deque[_Outcome] = deque()
        self._by_recipient: dict[UserId, deque[_Outcome]] = {}

    def script(
        self, *errors: BaseException | None, to: UserId | None = None, delivered: bool = False
    ) -> None:
        """The next calls (to ``to``, or to anyone) raise these in turn; None means success.

        ``delivered=True``: the message reaches the person before the error is raised.
        """
        queue = self._general if to is None else self._by_recipient.setdefault(to, deque())
        queue.extend(_Outcome(e, delivered=delivered or e is None) for e in errors)

    @property
    def sent(self) -> list[OutboxMessage]:
        """Messages that reached their recipients, in order (a repeat appears twice)."""
        return [call.message for call in self.calls if call.delivered]

    def sent_to(self, recipient: int) -> list[OutboxMessage]:
        return [m for m in self.sent if m.recipient == recipient]

    def times(self) -> list[datetime]:
        """When each delivered message went out, by the clock."""
        return [call.at for call in self.calls if call.delivered and call.at is not None]

    async def send(self, message: OutboxMessage, recipient: User) -> None:
        at = self._clock.now() if self._clock else None
        outcome = self._next(recipient.id)
        self.in_flight += 1
        try:
            if self._sleep is not None and self._latency:
                await self._sleep(self._latency)
        finally:
            self.in_flight -= 1
        self.calls.append(Call(message, recipient.id, at, outcome.delivered, outcome.error))
        if outcome.error is not None:
            raise outcome.error

    def _next(self, recipient: UserId) -> _Outcome:
        for queue in (self._by_recipient.get(recipient), self._general):
            if queue:
                return queue.popleft()
        return _Outcome(None, delivered=True)
