"""The parts of the worker that need no queue: backoff, the rate limiter and the chat lanes."""

import asyncio
import random
from datetime import timedelta

import pytest

from tests.integration.notifications.conftest import VirtualTime
from tests.unit.builders import MONDAY_NOON_MSK
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.notifications import Backoff, ChatLanes, Limits, RateLimiter

T0 = MONDAY_NOON_MSK


# --- backoff --------------------------------------------------------------------------------


def test_backoff_doubles_up_to_the_cap_and_stays_in_its_band() -> None:
    backoff = Backoff(base=2, cap=60, max_attempts=12)
    rng = random.Random(1)

    assert [backoff.ceiling(n) for n in range(1, 8)] == [2, 4, 8, 16, 32, 60, 60]
    for failures in range(1, 12):
        delays = [backoff.delay(failures, rng) for _ in range(200)]
        ceiling = backoff.ceiling(failures)
        assert min(delays) >= ceiling / 2
        assert max(delays) <= ceiling
        assert max(delays) - min(delays) > ceiling / 4, "jitter spreads them"
    assert backoff.ceiling(10_000) == 60, "no overflow after very many failures"


def test_backoff_gives_up_after_max_attempts() -> None:
    backoff = Backoff(max_attempts=3)
    assert [backoff.exhausted(n) for n in (1, 2, 3, 4)] == [False, False, True, True]


@pytest.mark.parametrize(
    "wrong",
    [{"rate": 0}, {"concurrency": 0}, {"lease": 30, "send_budget": 30}, {"max_attempts": 0}],
)
def test_limits_refuse_nonsense(wrong: dict[str, float]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 (attrs and our check both say ValueError)
        Limits(**wrong)  # type: ignore[arg-type]


# --- the rate limiter -----------------------------------------------------------------------


async def test_the_limiter_spaces_sends_and_lets_a_pause_hold_everyone(
    clock: FakeClock, time: VirtualTime
) -> None:
    limiter = RateLimiter(10, clock, time.sleep)
    turns: list[float] = []

    async def send(calls: int = 1) -> None:
        moment = await limiter.acquire(calls)
        turns.append((moment - T0).total_seconds())

    clock.set(T0)
    waiting = [asyncio.create_task(send()) for _ in range(3)]
    await time.run_until(lambda: all(t.done() for t in waiting))
    assert turns == pytest.approx([0.0, 0.1, 0.2])

    until = limiter.pause(5)
    assert until == T0 + timedelta(seconds=5.2)
    waiting = [asyncio.create_task(send(3)), asyncio.create_task(send())]
    await time.run_until(lambda: all(t.done() for t in waiting))
    assert turns[3:] == pytest.approx([5.2, 5.5]), "after the pause; three calls take three turns"


async def test_a_shorter_pause_does_not_shorten_a_longer_one(clock: FakeClock) -> None:
    limiter = RateLimiter(10, clock, asyncio.sleep)
    long = limiter.pause(30)
    assert limiter.pause(2) == long
    assert limiter.paused_until == T0 + timedelta(seconds=30)


# --- the chat lanes -------------------------------------------------------------------------


def test_a_chat_gives_one_item_at_a_time_oldest_first_and_others_go_meanwhile() -> None:
    lanes: ChatLanes[int, str] = ChatLanes(interval=1.0)
    for chat, item in [(1, "a1"), (1, "a2"), (2, "b1")]:
        lanes.add(chat, item)

    assert lanes.pop_ready(T0) == (1, "a1")
    assert lanes.pop_ready(T0) == (2, "b1"), "chat 1 is busy: chat 2 goes"
    assert lanes.pop_ready(T0) is None
    assert lanes.next_ready_at() is None, "chat 1 is still busy"

    lanes.release(1, T0 + lanes.interval)
    assert lanes.next_ready_at() == T0 + timedelta(seconds=1)
    assert lanes.pop_ready(T0 + timedelta(seconds=0.999)) is None
    assert lanes.pop_ready(T0 + timedelta(seconds=1)) == (1, "a2")
    assert len(lanes) == 0


def test_an_item_put_back_goes_first_when_its_chat_is_free() -> None:
    lanes: ChatLanes[int, str] = ChatLanes(interval=1.0)
    lanes.add(1, "a1")
    lanes.add(1, "a2")
    chat, item = lanes.pop_ready(T0) or (0, "")
    lanes.put_back(chat, item)
    lanes.release(chat, T0 + timedelta(seconds=7))

    assert lanes.waiting(1) == 2
    assert lanes.pop_ready(T0 + timedelta(seconds=6)) is None
    assert lanes.pop_ready(T0 + timedelta(seconds=7)) == (1, "a1")


def test_idle_chats_are_forgotten() -> None:
    lanes: ChatLanes[int, str] = ChatLanes(interval=1.0)
    lanes.add(1, "a1")
    lanes.pop_ready(T0)
    lanes.release(1, T0 + timedelta(seconds=1))
    lanes.forget_before(T0 + timedelta(seconds=2))

    lanes.add(1, "a2")
    assert lanes.pop_ready(T0) == (1, "a2"), "nothing remembered: free at once"
