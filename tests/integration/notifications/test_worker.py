"""The delivery worker on the in-memory core with a recording notifier, in virtual time."""

import itertools
import logging
from collections import Counter
from datetime import datetime, timedelta

import pytest

from tests.integration.notifications.conftest import (
    ADMIN,
    ADMIN2,
    EXECUTOR,
    STAFF,
    VirtualTime,
    Workers,
    enqueue,
    note,
)
from tests.unit.builders import user
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.notifications import Crash, Limits, RecordingNotifier
from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.application.delivery import (
    DeadLetter,
    DeliveryFailed,
    RecipientBlocked,
    RecipientUnknown,
    RetryLater,
    TemporaryFailure,
)
from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.use_cases.register_user import RegisterUser, RegisterUserCommand
from zavhoz.domain.ids import UserId
from zavhoz.domain.users import UserState
from zavhoz.main.cli import dead_letter_lines

LEASE = Limits().lease


def states(db: MemoryDatabase) -> dict[str, str]:
    """Each queued message's delivery state, by dedupe key."""
    found = {}
    for position, message in enumerate(db.outbox, start=1):
        state = db.delivery(position)
        assert state is not None
        found[message.dedupe_key] = state.state
    return found


async def backlog(uow_factory: UnitOfWorkFactory, clock: FakeClock) -> int:
    async with uow_factory() as uow:
        return await uow.deliveries.backlog(clock.now() + timedelta(days=365))


async def dead_letters(uow_factory: UnitOfWorkFactory) -> list[DeadLetter]:
    async with uow_factory() as uow:
        return list(await uow.deliveries.dead_letters(10))


def seconds(times: list[datetime]) -> list[float]:
    return [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(times)]


def busiest_second(times: list[datetime]) -> int:
    """The most sends in any window of one second."""
    ordered = sorted(times)
    most = 0
    for i, start in enumerate(ordered):
        most = max(most, sum(1 for t in ordered[i:] if t < start + timedelta(seconds=1)))
    return most


# --- delivery -------------------------------------------------------------------------------


async def test_queued_messages_are_sent_once_and_marked(
    workers: Workers,
    uow_factory: UnitOfWorkFactory,
    notifier: RecordingNotifier,
    time: VirtualTime,
    db: MemoryDatabase,
    clock: FakeClock,
) -> None:
    await enqueue(uow_factory, [note(STAFF, "a"), note(ADMIN, "b"), note(EXECUTOR, "c")])
    workers.start()

    await time.run_until(lambda: len(notifier.sent) == 3)
    await time.run_for(timedelta(minutes=10))

    assert [m.dedupe_key for m in notifier.sent] == ["a", "b", "c"]
    assert [m.recipient for m in notifier.sent] == [STAFF, ADMIN, EXECUTOR]
    assert states(db) == {"a": "sent", "b": "sent", "c": "sent"}
    assert await backlog(uow_factory, clock) == 0


async def test_messages_queued_later_are_picked_up(
    workers: Workers, uow_factory: UnitOfWorkFactory, notifier: RecordingNotifier, time: VirtualTime
) -> None:
    workers.start()
    await time.run_for(timedelta(minutes=5))
    assert notifier.calls == []

    await enqueue(uow_factory, [note(STAFF, "late")])
    queued_at = time.clock.now()
    await time.run_until(lambda: len(notifier.sent) == 1)

    assert time.clock.now() - queued_at <= timedelta(seconds=Limits().idle), "within one look"


@pytest.mark.parametrize(
    ("recipient", "prepare", "reason"),
    [
        pytest.param(999, None, "no such user", id="unknown-user"),
        pytest.param(STAFF, UserState.BLOCKED, "the user is blocked", id="blocked-user"),
        pytest.param(STAFF, UserState.PENDING, "the user is pending", id="pending-user"),
    ],
)
async def test_messages_to_people_who_cannot_hear_are_dropped_unsent(
    workers: Workers,
    uow_factory: UnitOfWorkFactory,
    notifier: RecordingNotifier,
    time: VirtualTime,
    db: MemoryDatabase,
    caplog: pytest.LogCaptureFixture,
    recipient: int,
    prepare: UserState | None,
    reason: str,
) -> None:
    caplog.set_level(logging.INFO, "zavhoz.notifications")
    if prepare is not None:
        db.users[UserId(recipient)].state = prepare
    await enqueue(uow_factory, [note(recipient, "x"), note(ADMIN, "y")])
    workers.start()

    await time.run_until(lambda: len(notifier.sent) == 1)
    await time.run_for(timedelta(minutes=5))

    assert [m.dedupe_key for m in notifier.sent] == ["y"]
    assert states(db) == {"x": "dropped", "y": "sent"}
    assert reason in caplog.text


# --- crash safety ---------------------------------------------------------------------------


async def test_a_crash_after_sending_and_before_marking_sends_it_once_more_never_less(
    workers: Workers,
    uow_factory: UnitOfWorkFactory,
    notifier: RecordingNotifier,
    time: VirtualTime,
    db: MemoryDatabase,
    clock: FakeClock,
) -> None:
    await enqueue(uow_factory, [note(STAFF, "fixed"), note(ADMIN, "other")])
    notifier.script(Crash(), to=UserId(STAFF), delivered=True)
    first = workers.start()

    await time.run_until(lambda: len(notifier.sent) == 2)
    crashed_at = clock.now()
    workers.task(first).cancel()  # the process dies: nothing more of it runs
    await time.settle()
    assert states(db)["fixed"] == "sending", "sent but never marked"
    assert states(db)["other"] == "sent"

    workers.start()  # the restarted process
    await time.run_until(lambda: len(notifier.sent) == 3)
    await time.run_for(timedelta(minutes=10))

    assert Counter(m.dedupe_key for m in notifier.sent) == {"fixed": 2, "other": 1}
    assert clock.now() - crashed_at >= timedelta(seconds=LEASE), "only once the lease ran out"
    assert states(db) == {"fixed": "sent", "other": "sent"}
    assert await backlog(uow_factory, clock) == 0


async def test_a_worker_killed_mid_send_loses_nothing(
    workers: Workers,
    uow_factory: UnitOfWorkFactory,
    clock: FakeClock,
    time: VirtualTime,
    db: MemoryDatabase,
) -> None:
    slow = RecordingNotifier(clock, time.sleep, latency=30)
    await enqueue(uow_factory, [note(STAFF, "a"), note(ADMIN, "b")])
    first = workers.start(notifier=slow)
    await time.run_until(lambda: slow.in_flight == 2)
    workers.task(first).cancel()
    await time.settle()
    assert slow.calls == [], "both were cut off before Telegram answered"

    fast = RecordingNotifier(clock)
    workers.start(notifier=fast)
    await time.run_until(lambda: len(fast.sent) == 2)

    assert sorted(m.dedupe_key for m in fast.sent) == ["a", "b"]
    assert states(db) == {"a": "sent", "b": "sent"}


async def test_a_message_queued_twice_with_one_dedupe_key_is_sent_once(
    workers: Workers, uow_factory: UnitOfWorkFactory, notifier: RecordingNotifier, time: VirtualTime
) -> None:
    await enqueue(uow_factory, [note(STAFF, "request:1:v1:request_created:101")])
    await enqueue(uow_factory, [note(STAFF, "request:1:v1:request_created:101")])
    workers.start()
    await time.run_until(lambda: len(notifier.sent) == 1)
    await enqueue(uow_factory, [note(STAFF, "request:1:v1:request_created:101")])
    await time.run_for(timedelta(minutes=10))

    assert len(notifier.sent) == 1


async def test_stopping_finishes_the_send_in_flight_and_starts_no_other(
    workers: Workers,
    uow_factory: UnitOfWorkFactory,
    clock: FakeClock,
    time: VirtualTime,
    db: MemoryDatabase,
) -> None:
    slow = RecordingNotifier(clock, time.sleep, latency=3)
    await enqueue(uow_factory, [note(STAFF, "first"), note(STAFF, "second")])
    worker = workers.start(notifier=slow)
    await time.run_until(lambda: slow.in_flight == 1)

    worker.stop()
    await time.run_until(workers.task(worker).done)

    assert [m.dedupe_key for m in slow.sent] == ["first"]
    assert states(db) == {"first": "sent", "second": "sending"}
    assert workers.task(worker).exception() is None

    again = RecordingNotifier(clock)
    workers.start(notifier=again)
    await time.run_until(lambda: len(again.sent) == 1)
    assert [m.dedupe_key for m in again.sent] == ["second"]


async def test_a_claim_whose_lease_ran_out_is_let_go_not_sent_twice(
    workers: Workers,
    uow_factory: UnitOfWorkFactory,
    notifier: RecordingNotifier,
    time: VirtualTime,
    db: MemoryDatabase,
) -> None:
    """Twelve messages to one chat take twelve seconds; each claim may be started for 4 s."""
    await enqueue(uow_factory, [note(STAFF, f"m{n:02}") for n in range(12)])
    workers.start(Limits(lease=6, send_budget=2))

    await time.run_until(lambda: len(notifier.sent) == 12)
    await time.run_for(timedelta(minutes=5))

    assert [m.dedupe_key for m in notifier.sent] == [f"m{n:02}" for n in range(12)]
    assert set(states(db).values()) == {"sent"}


# --- what Telegram answers ------------------------------------------------------------------


async def test_429_pauses_all_sending_for_retry_after_then_delivers(
    workers: Workers,
    uow_factory: UnitOfWorkFactory,
    notifier: RecordingNotifier,
    time: VirtualTime,
    clock: FakeClock,
    db: MemoryDatabase,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await enqueue(uow_factory, [note(STAFF, "a"), note(ADMIN, "b"), note(ADMIN2, "c")])
    notifier.script(RetryLater(7))
    started = clock.now()
    workers.start()

    await time.run_until(lambda: len(notifier.sent) == 3)

    assert len(notifier.calls) == 4
    refused = notifier.calls[0]
    assert (refused.message.dedupe_key, refused.delivered) == ("a", False)
    assert all(t >= started + timedelta(seconds=7) for t in notifier.times()), "nobody sent early"
    assert min(notifier.times()) == started + timedelta(seconds=7)
    assert sorted(m.dedupe_key for m in notifier.sent) == ["a", "b", "c"]
    assert states(db) == {"a": "sent", "b": "sent", "c": "sent"}
    assert "Telegram asked to wait 7 s (429)" in caplog.text


async def test_network_errors_and_5xx_back_off_longer_each_time_then_deliver(
    workers: Workers,
    uow_factory: UnitOfWorkFactory,
    notifier: RecordingNotifier,
    time: VirtualTime,
    db: MemoryDatabase,
) -> None:
    limits = Limits(backoff_base=2, idle=0.1)
    failures = [
        TemporaryFailure("502 Bad Gateway"),
        TemporaryFailure("timeout"),
        TemporaryFailure("connection reset"),
        TemporaryFailure("503 Service Unavailable"),
    ]
    notifier.script(*failures, None)
    await enqueue(uow_factory, [note(STAFF, "a")])
    workers.start(limits)

    await time.run_until(lambda: len(notifier.sent) == 1)

    waits = seconds([call.at for call in notifier.calls if call.at is not None])
    assert len(waits) == 4
    for failure, wait in enumerate(waits, start=1):
        ceiling = 2.0 * 2 ** (failure - 1)
        assert ceiling / 2 <= wait <= ceiling + limits.idle, (failure, waits)
    assert states(db) == {"a": "sent"}


async def test_after_the_last_attempt_a_message_is_dead_with_its_reason_for_operators(
    workers: Workers,
    uow_factory: UnitOfWorkFactory,
    notifier: RecordingNotifier,
    time: VirtualTime,
    db: MemoryDatabase,
    caplog: pytest.LogCaptureFixture,
) -> None:
    notifier.script(*[TemporaryFailure("502 Bad Gateway")] * 10, to=UserId(STAFF))
    await enqueue(uow_factory, [note(STAFF, "a", template="request_completed"), note(ADMIN, "b")])
    workers.start(Limits(max_attempts=3))

    await time.run_until(lambda: bool(db.outbox) and states(db)["a"] == "dead")
    await time.run_for(timedelta(minutes=10))

    assert len([c for c in notifier.calls if c.recipient == STAFF]) == 3
    [letter] = await dead_letters(uow_factory)
    assert letter.delivery.message.dedupe_key == "a"
    assert letter.reason == "gave up after 3 attempts: TemporaryFailure: 502 Bad Gateway"
    assert "is dead: gave up after 3 attempts" in caplog.text
    [line] = await dead_letter_lines(uow_factory, 10)
    assert f"to {STAFF}" in line
    assert "request_completed" in line
    assert "gave up after 3 attempts: TemporaryFailure: 502 Bad Gateway" in line
    assert [m.dedupe_key for m in notifier.sent] == ["b"]


async def test_a_permanent_refusal_is_dead_at_once(
    workers: Workers,
    uow_factory: UnitOfWorkFactory,
    notifier: RecordingNotifier,
    time: VirtualTime,
    db: MemoryDatabase,
) -> None:
    notifier.script(DeliveryFailed("Bad Request: can't parse entities"))
    await enqueue(uow_factory, [note(STAFF, "a")])
    workers.start()

    await time.run_until(lambda: bool(db.outbox) and states(db)["a"] == "dead")
    await time.run_for(timedelta(minutes=10))

    assert len(notifier.calls) == 1
    [letter] = await dead_letters(uow_factory)
    assert letter.reason == "DeliveryFailed: Bad Request: can't parse entities"


async def test_an_unexpected_error_is_logged_and_retried_like_a_network_error(
    workers: Workers,
    uow_factory: UnitOfWorkFactory,
    notifier: RecordingNotifier,
    time: VirtualTime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    notifier.script(KeyError("missing_template"), None)
    await enqueue(uow_factory, [note(STAFF, "a")])
    workers.start()

    await time.run_until(lambda: len(notifier.sent) == 1)

    assert len(notifier.calls) == 2
    assert "sending outbox message 1 failed unexpectedly" in caplog.text


async def test_403_marks_the_person_unreachable_until_they_write_again(
    workers: Workers,
    uow_factory: UnitOfWorkFactory,
    notifier: RecordingNotifier,
    time: VirtualTime,
    clock: FakeClock,
    db: MemoryDatabase,
) -> None:
    notifier.script(RecipientBlocked("Forbidden: bot was blocked by the user"), to=UserId(STAFF))
    await enqueue(uow_factory, [note(STAFF, "a")])
    workers.start()
    await time.run_until(lambda: states(db).get("a") == "dropped")
    assert db.users[UserId(STAFF)].reachable is False

    await enqueue(uow_factory, [note(STAFF, "b"), note(ADMIN, "c")])
    await time.run_until(lambda: states(db).get("b") == "dropped" and len(notifier.sent) == 1)
    assert [c.message.dedupe_key for c in notifier.calls] == ["a", "c"], "b was never tried"

    register = RegisterUser(uow_factory, clock, WorkflowSettings())
    await register(RegisterUserCommand(user_id=UserId(STAFF), name="Анна"))
    assert db.users[UserId(STAFF)].reachable is True
    await enqueue(uow_factory, [note(STAFF, "d")])
    await time.run_until(lambda: len(notifier.sent) == 2)

    assert [m.dedupe_key for m in notifier.sent] == ["c", "d"]
    assert states(db) == {"a": "dropped", "b": "dropped", "c": "sent", "d": "sent"}


async def test_chat_not_found_is_dropped_with_a_log_line(
    workers: Workers,
    uow_factory: UnitOfWorkFactory,
    notifier: RecordingNotifier,
    time: VirtualTime,
    db: MemoryDatabase,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, "zavhoz.notifications")
    notifier.script(RecipientUnknown("Bad Request: chat not found"))
    await enqueue(uow_factory, [note(STAFF, "a")])
    workers.start()

    await time.run_until(lambda: states(db).get("a") == "dropped")
    await time.run_for(timedelta(minutes=10))

    assert len(notifier.calls) == 1
    assert db.users[UserId(STAFF)].reachable is True, "an unknown chat is not a block"
    assert await dead_letters(uow_factory) == []
    [line] = [r.getMessage() for r in caplog.records if "dropped" in r.getMessage()]
    assert line == "outbox message 1 to 101 dropped: unknown chat (Bad Request: chat not found)"


# --- Telegram's limits ----------------------------------------------------------------------


async def test_one_message_a_second_per_chat_without_holding_up_other_chats(
    workers: Workers,
    uow_factory: UnitOfWorkFactory,
    notifier: RecordingNotifier,
    time: VirtualTime,
    clock: FakeClock,
) -> None:
    await enqueue(uow_factory, [note(STAFF, f"s{n}") for n in range(4)])
    await enqueue(uow_factory, [note(ADMIN, f"a{n}") for n in range(4)])
    await enqueue(uow_factory, [note(ADMIN2, "other")])
    started = clock.now()
    workers.start()

    await time.run_until(lambda: len(notifier.sent) == 9)

    for person in (STAFF, ADMIN):
        calls = [c for c in notifier.calls if c.recipient == person]
        assert [c.message.dedupe_key[1] for c in calls] == list("0123"), "in order"
        gaps = seconds([c.at for c in calls if c.at])
        assert all(gap >= 1.0 for gap in gaps), gaps
        assert all(gap < 1.1 for gap in gaps), "no longer than needed"
    [other] = [c for c in notifier.calls if c.recipient == ADMIN2]
    assert other.at is not None
    assert other.at - started < timedelta(seconds=1), "not behind the busy chats"
    assert clock.now() - started < timedelta(seconds=3.5)


@pytest.mark.parametrize("rate", [25.0, 10.0])
async def test_the_global_rate_is_reached_and_never_exceeded_although_sends_take_a_while(
    workers: Workers,
    uow_factory: UnitOfWorkFactory,
    clock: FakeClock,
    time: VirtualTime,
    db: MemoryDatabase,
    rate: float,
) -> None:
    people = range(1000, 1300)
    db.users.update({UserId(n): user(n) for n in people})
    await enqueue(uow_factory, [note(n, f"to-{n}") for n in people])
    slow = RecordingNotifier(clock, time.sleep, latency=0.09)
    worker = workers.start(Limits(rate=rate), notifier=slow)
    await time.run_until(lambda: len(slow.sent) == len(people))

    times = slow.times()
    achieved = (len(times) - 1) / (max(times) - min(times)).total_seconds()
    assert achieved >= 0.98 * rate, achieved
    assert busiest_second(times) <= rate
    assert worker.held == 0


async def test_one_send_at_a_time_would_not_reach_the_rate(
    workers: Workers,
    uow_factory: UnitOfWorkFactory,
    clock: FakeClock,
    time: VirtualTime,
    db: MemoryDatabase,
) -> None:
    """The contrast that shows the parallel sends matter (90 ms a send caps one at ~11/s)."""
    people = range(1000, 1100)
    db.users.update({UserId(n): user(n) for n in people})
    await enqueue(uow_factory, [note(n, f"to-{n}") for n in people])
    slow = RecordingNotifier(clock, time.sleep, latency=0.09)
    workers.start(Limits(rate=25, concurrency=1), notifier=slow)

    await time.run_until(lambda: len(slow.sent) == len(people))

    times = slow.times()
    achieved = (len(times) - 1) / (max(times) - min(times)).total_seconds()
    assert achieved < 12


async def test_sending_is_paused_for_a_429_also_for_sends_already_waiting_their_turn(
    workers: Workers,
    uow_factory: UnitOfWorkFactory,
    clock: FakeClock,
    time: VirtualTime,
    db: MemoryDatabase,
) -> None:
    people = range(1000, 1060)
    db.users.update({UserId(n): user(n) for n in people})
    await enqueue(uow_factory, [note(n, f"to-{n}") for n in people])
    notifier = RecordingNotifier(clock, time.sleep, latency=0.05)
    notifier.script(RetryLater(5), to=UserId(1010))
    workers.start(Limits(rate=20), notifier=notifier)

    await time.run_until(lambda: len(notifier.sent) == len(people))

    [refused] = [c for c in notifier.calls if not c.delivered]
    assert refused.at is not None
    resumed = refused.at + timedelta(seconds=5)
    during = [t for t in notifier.times() if refused.at < t < resumed]
    assert during == [], "nothing started while Telegram asked to wait"
    after = sorted(t for t in notifier.times() if t >= resumed)
    assert busiest_second(after) <= 20, "no burst when sending resumes"
    assert Counter(m.dedupe_key for m in notifier.sent) == {f"to-{n}": 1 for n in people}


async def test_a_stopped_worker_returns_promptly_even_while_paused(
    workers: Workers,
    uow_factory: UnitOfWorkFactory,
    notifier: RecordingNotifier,
    time: VirtualTime,
    clock: FakeClock,
) -> None:
    notifier.script(RetryLater(600))
    await enqueue(uow_factory, [note(STAFF, "a"), note(ADMIN, "b")])
    worker = workers.start()
    await time.run_until(lambda: len(notifier.calls) == 1)
    stopped_at = clock.now()

    worker.stop()
    await time.run_until(workers.task(worker).done)

    assert clock.now() - stopped_at < timedelta(seconds=1)
    assert notifier.sent == []
