"""Replies within Telegram's limits: spaced overall and per chat, 429 waited out, 5xx retried.

A request middleware on the bot's session. Counted (:data:`PACED`): the methods that put or
change a message in a chat. Not counted: ``answerCallbackQuery`` (no message), ``getMe``,
``getUpdates``, ``deleteMessage``, commands and files. Pushes come through a :class:`PushBot`:
they take a slot from the same budget but are not retried here (the delivery worker retries).
"""

import math
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import attrs
from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import (
    CopyMessage,
    EditMessageCaption,
    EditMessageMedia,
    EditMessageReplyMarkup,
    EditMessageText,
    ForwardMessage,
    Response,
    SendDocument,
    SendMediaGroup,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)

from zavhoz.application.ports import Clock, SendBudget

Sleep = Callable[[float], Awaitable[None]]

PACED: tuple[type[TelegramMethod[Any]], ...] = (
    SendMessage,
    SendPhoto,
    SendDocument,
    SendMediaGroup,
    CopyMessage,
    ForwardMessage,
    EditMessageText,
    EditMessageReplyMarkup,
    EditMessageCaption,
    EditMessageMedia,
)
"""The methods that count against Telegram's message limits."""

_CHATS_KEPT = 10_000
"""Chats remembered before the idle ones are forgotten (a city has many people)."""

_TRANSIENT = (TelegramServerError, TelegramNetworkError)


class PushBot(Bot):
    """The bot the delivery worker sends with: paced by the shared budget, never retried here."""


@attrs.frozen(kw_only=True)
class Pace:
    """Telegram's limits (seconds) and how patient an interactive reply is."""

    rate: float = attrs.field(default=25.0, validator=attrs.validators.gt(0))
    """Messages per second overall; Telegram allows about 30."""
    private_interval: float = 1.0
    private_burst: int = 3
    """A private chat: one a second, a short burst tolerated (an answer and an edit at once)."""
    group_interval: float = 3.0
    group_burst: int = 1
    """A group (negative id): 20 a minute."""
    push_share: float = attrs.field(default=0.8, validator=attrs.validators.le(1))
    """The part of the overall rate pushes may take; the rest is kept for replies."""
    max_attempts: int = attrs.field(default=3, validator=attrs.validators.gt(0))
    """Tries of an interactive reply on a 5xx or a network error."""
    backoff: float = 0.5
    max_retry_after: float = 30.0
    """A longer 429 is not waited out for a reply: the person gets the error path instead."""


class _Gcra:
    """One chat's rate with a burst: the generic cell rate algorithm, slots booked ahead."""

    def __init__(self, interval: float, burst: int) -> None:
        self._interval = interval
        self._tolerance = (burst - 1) * interval
        self._tat = -math.inf

    def idle_at(self, moment: float) -> bool:
        """Nothing booked is still ahead: forgetting this chat changes nothing."""
        return self._tat <= moment

    def book(self, earliest: float) -> float:
        start = max(earliest, self._tat - self._tolerance)
        self._tat = max(self._tat, start) + self._interval
        return start


class InProcessBudget(SendBudget):
    """The budget of one process: slots ``1 / rate`` apart overall, per chat by GCRA.

    Every slot is booked when asked for (no await in between), so concurrent senders never share
    one. Pushes may take only ``push_share`` of the overall slots: replies always find room.
    """

    def __init__(self, clock: Clock, sleep: Sleep, pace: Pace | None = None) -> None:
        self._clock = clock
        self._sleep = sleep
        self._pace = pace or Pace()
        self._epoch = clock.now()
        self._taken: set[int] = set()
        self._chats: dict[int | str, _Gcra] = {}

    async def acquire(self, chat: int | str | None, *, interactive: bool) -> None:
        now = self._seconds(self._clock.now())
        start = self._chat(chat, now).book(now) if chat is not None else now
        slot = self._slot(start, interactive)
        delay = slot / self._pace.rate - now
        if delay > 0:
            await self._sleep(delay)

    def _seconds(self, moment: datetime) -> float:
        return (moment - self._epoch).total_seconds()

    def _chat(self, chat: int | str, now: float) -> _Gcra:
        if chat not in self._chats:
            self._forget_idle_chats(now)
            self._chats[chat] = self._new_gcra(chat)
        return self._chats[chat]

    def _forget_idle_chats(self, now: float) -> None:
        if len(self._chats) >= _CHATS_KEPT:
            self._chats = {c: g for c, g in self._chats.items() if not g.idle_at(now)}

    def _new_gcra(self, chat: int | str) -> _Gcra:
        if isinstance(chat, str) or chat < 0:
            return _Gcra(self._pace.group_interval, self._pace.group_burst)
        return _Gcra(self._pace.private_interval, self._pace.private_burst)

    def _slot(self, start: float, interactive: bool) -> int:
        slot = math.ceil(start * self._pace.rate - 1e-9)
        self._forget_before(slot)
        while slot in self._taken or not (interactive or self._push_may(slot)):
            slot += 1
        self._taken.add(slot)
        return slot

    def _push_may(self, slot: int) -> bool:
        share = self._pace.push_share
        return math.floor((slot + 1) * share) > math.floor(slot * share)

    def _forget_before(self, slot: int) -> None:
        if len(self._taken) > 4 * self._pace.rate:
            self._taken = {taken for taken in self._taken if taken >= slot}


class PacedReplies(BaseRequestMiddleware):
    """Waits for a slot before each counted call; waits out 429s; retries a reply's 5xx a little."""

    def __init__(self, budget: SendBudget, sleep: Sleep, pace: Pace | None = None) -> None:
        self._budget = budget
        self._sleep = sleep
        self._pace = pace or Pace()

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[Any],
        bot: Bot,
        method: TelegramMethod[Any],
    ) -> Response[Any]:
        if not isinstance(method, PACED):
            return await make_request(bot, method)
        chat = _chat_of(method)
        if isinstance(bot, PushBot):
            await self._budget.acquire(chat, interactive=False)
            return await make_request(bot, method)
        failures = 0
        while True:
            await self._budget.acquire(chat, interactive=True)
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as refused:
                await self._wait_out(refused)
            except _TRANSIENT:
                failures += 1
                if failures >= self._pace.max_attempts:
                    raise
                await self._sleep(self._pace.backoff * 2 ** (failures - 1))

    async def _wait_out(self, refused: TelegramRetryAfter) -> None:
        if refused.retry_after > self._pace.max_retry_after:
            raise refused
        await self._sleep(refused.retry_after)


def _chat_of(method: TelegramMethod[Any]) -> int | str | None:
    chat = getattr(method, "chat_id", None)
    return chat if isinstance(chat, int | str) else None


def paced(
    session: BaseSession, budget: SendBudget, sleep: Sleep, pace: Pace | None = None
) -> BaseSession:
    """Registers the pacing on the session the bot and the push bot share, and returns it."""
    session.middleware(PacedReplies(budget, sleep, pace))
    return session
