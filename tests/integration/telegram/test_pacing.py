"""Replies within Telegram's limits: spaced overall and per chat, 429 waited out, 5xx retried."""

import asyncio
import heapq
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.exceptions import TelegramRetryAfter, TelegramServerError
from aiogram.methods import TelegramMethod
from dependency_injector import providers

from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.telegram.dispatcher import build_dispatcher
from zavhoz.adapters.telegram.middlewares.throttling import Throttle
from zavhoz.adapters.telegram.pacing import PACED, InProcessBudget, Pace, PushBot, paced
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.testing import RecordingSession, World
from zavhoz.main.container import build_container
from zavhoz.main.settings import Settings

Refusal = Callable[[TelegramMethod[Any]], Exception]
RATE = 25.0


class VirtualTime:
    """Sleeps that end when the fake clock is moved to them; the clock moves only when all wait."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.slept: list[float] = []
        self._waiters: list[tuple[datetime, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        done = asyncio.get_running_loop().create_future()
        when = self.clock.now() + timedelta(seconds=seconds)
        heapq.heappush(self._waiters, (when, next(self._order), done))
        await done

    async def run(self, *work: Awaitable[Any]) -> None:
        everything = asyncio.ensure_future(asyncio.gather(*work))
        while not everything.done():
            for _ in range(20):
                await asyncio.sleep(0)
            if self._waiters and not everything.done():
                self._wake_first()
        await everything

    def _wake_first(self) -> None:
        when, _, done = heapq.heappop(self._waiters)
        self.clock.set(max(when, self.clock.now()))
        done.set_result(None)


class RefusingSession(RecordingSession):
    """Records when each counted call reached Telegram; refuses the next ones it is told to."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self.clock = clock
        self.sent: list[tuple[datetime, Any]] = []
        self.refusals: list[Refusal] = []

    async def make_request(
        self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None
    ) -> Any:
        if isinstance(method, PACED) and self.refusals:
            raise self.refusals.pop(0)(method)
        if isinstance(method, PACED):
            self.sent.append((self.clock.now(), getattr(method, "chat_id", None)))
        return await super().make_request(bot, method, timeout)


def too_many(seconds: int) -> Refusal:
    return lambda method: TelegramRetryAfter(method, "Too Many Requests", retry_after=seconds)


def bad_gateway(method: TelegramMethod[Any]) -> Exception:
    return TelegramServerError(method, "Bad Gateway")


@pytest.fixture
def time(clock: FakeClock) -> VirtualTime:
    return VirtualTime(clock)


@pytest.fixture
def session(clock: FakeClock) -> RefusingSession:
    return RefusingSession(clock)


@pytest.fixture
async def world(
    services: Services, clock: FakeClock, time: VirtualTime, session: RefusingSession
) -> AsyncIterator[World]:
    budget = InProcessBudget(clock, time.sleep, Pace(rate=RATE))
    paced(session, budget, time.sleep, Pace(rate=RATE))
    bot = Bot("42:TEST", session=session, default=DefaultBotProperties(parse_mode="HTML"))
    dispatcher = build_dispatcher(services, throttling=Throttle(rate=1000, burst=1000))
    world = World(dispatcher, bot, session)
    yield world
    world.check_rules()


def most_in_one_second(moments: list[datetime]) -> int:
    return max(
        sum(1 for m in moments if start <= m < start + timedelta(seconds=1)) for start in moments
    )


async def test_a_burst_to_many_chats_never_exceeds_the_overall_rate(
    world: World, time: VirtualTime, session: RefusingSession
) -> None:
    people = [world.person(1000 + n) for n in range(80)]
    await time.run(*(person.send("/start") for person in people))
    moments = [moment for moment, _ in session.sent]
    assert len({chat for _, chat in session.sent}) == 80
    assert most_in_one_second(moments) <= RATE
    assert max(moments) - min(moments) >= timedelta(seconds=(len(moments) - RATE) / RATE)


async def test_replies_to_one_chat_are_spaced_after_a_short_burst(
    world: World, time: VirtualTime, session: RefusingSession
) -> None:
    anna = world.person(101)
    for _ in range(8):
        await time.run(anna.send("/start"))
    moments = [moment for moment, chat in session.sent if chat == anna.id]
    assert len(moments) >= 8
    burst = Pace().private_burst
    assert moments[-1] - moments[0] >= timedelta(seconds=len(moments) - burst)


async def test_a_429_is_waited_out_and_the_reply_arrives(
    world: World, time: VirtualTime, session: RefusingSession, clock: FakeClock
) -> None:
    anna = world.person(101)
    session.refusals.append(too_many(7))
    began = clock.now()
    await time.run(anna.send("/start"))
    assert 7 in time.slept
    assert clock.now() - began >= timedelta(seconds=7)
    assert anna.texts


async def test_a_502_is_retried_and_the_reply_arrives(
    world: World, time: VirtualTime, session: RefusingSession
) -> None:
    anna = world.person(101)
    session.refusals.append(bad_gateway)
    await time.run(anna.send("/start"))
    assert not session.refusals
    assert anna.texts
    assert "Не получилось" not in anna.last.text


async def test_a_lasting_5xx_gives_up_and_the_person_gets_the_apology(
    world: World, time: VirtualTime, session: RefusingSession
) -> None:
    anna = world.person(101)
    session.refusals += [bad_gateway] * Pace().max_attempts
    await time.run(anna.send("/start"))
    assert not session.refusals
    assert anna.last.text == "Не получилось, попробуйте ещё раз."


async def test_pushes_are_paced_but_not_retried(
    clock: FakeClock, time: VirtualTime, session: RefusingSession
) -> None:
    paced(session, InProcessBudget(clock, time.sleep), time.sleep)
    push = PushBot("42:TEST", session=session)
    session.refusals.append(bad_gateway)
    with pytest.raises(TelegramServerError):
        await time.run(push.send_message(101, "a push"))
    await time.run(*(push.send_message(101, f"push {n}") for n in range(5)))
    moments = [moment for moment, _ in session.sent]
    assert moments[-1] - moments[0] >= timedelta(seconds=5 - Pace().private_burst)


async def test_replies_keep_a_share_of_the_rate_that_pushes_never_take(clock: FakeClock) -> None:
    time = VirtualTime(clock)
    budget = InProcessBudget(clock, time.sleep, Pace(rate=10, push_share=0.5))
    began = clock.now()
    await time.run(*(budget.acquire(n, interactive=False) for n in range(10)))
    pushes_took = clock.now() - began
    await time.run(*(budget.acquire(100 + n, interactive=True) for n in range(10)))
    assert pushes_took >= timedelta(seconds=1.8)
    assert clock.now() - began < pushes_took + timedelta(seconds=1.1)


async def test_idle_chats_are_forgotten_and_busy_ones_kept(clock: FakeClock) -> None:
    time = VirtualTime(clock)
    budget = InProcessBudget(clock, time.sleep, Pace(rate=1e6))
    await time.run(*(budget.acquire(7, interactive=True) for _ in range(5)))
    await time.run(*(budget.acquire(n, interactive=True) for n in range(10, 10_010)))
    clock.advance(seconds=1.5)
    await time.run(budget.acquire(1, interactive=True))
    assert set(budget._chats) == {7, 1}


async def test_the_container_paces_replies_and_pushes_on_one_session(tmp_path: Path) -> None:
    container = build_container(
        Settings(bot_token="42:TEST", database_url=f"sqlite+aiosqlite:///{tmp_path}/z.db")  # type: ignore[arg-type]
    )
    clock = FakeClock()
    time = VirtualTime(clock)
    session = RefusingSession(clock)
    container.clock.override(providers.Object(clock))
    container.sleep.override(providers.Object(time.sleep))
    container.session.override(providers.Object(session))
    bot, push = container.bot(), container.push_bot()
    assert push.session is bot.session is session
    session.refusals.append(bad_gateway)
    await time.run(*(bot.send_message(101, f"reply {n}") for n in range(4)))
    await time.run(push.send_message(101, "a push"))
    moments = [moment for moment, _ in session.sent]
    assert len(moments) == 5
    assert moments[-1] - moments[0] >= timedelta(seconds=5 - Pace().private_burst)
    await container.engine().dispose()
