"""Delivery inside `zavhoz run` and alone as `zavhoz worker`; `zavhoz outbox dead`; the settings.

The bot talks over real HTTP to the small Bot API server of ``tests/integration/fake_bot_api.py``
on a SQLite file, through the real Telegram notifier.
"""

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dependency_injector import providers

from tests.integration.conftest import sqlite_url
from tests.integration.fake_bot_api import FakeBotApi
from tests.unit.builders import MONDAY_NOON_MSK, user
from zavhoz.adapters.notifications import Limits
from zavhoz.adapters.persistence.sqlalchemy import create_engine, sql_uow_factory
from zavhoz.application.messages import OutboxMessage
from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.domain.ids import UserId
from zavhoz.domain.users import Role
from zavhoz.main.bot import run, work
from zavhoz.main.cli import main
from zavhoz.main.container import Container, build_container
from zavhoz.main.settings import Settings

TOKEN = "123456:TEST-token"
ADMIN = 9001
FAST = Limits(idle=0.05)
"""Looks at the queue twenty times a second, so the tests wait little for the first claim."""


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("ZAVHOZ_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


def settings_for(tmp_path: Path, **values: Any) -> Settings:
    return Settings(
        bot_token=TOKEN,  # type: ignore[arg-type]
        database_url=sqlite_url(tmp_path),
        admin_ids=str(ADMIN),  # type: ignore[arg-type]
        **values,
    )


def no_digest_days() -> str:
    """Today and tomorrow in Moscow as holidays: the real scheduler queues no digest meanwhile."""
    today = datetime.now(ZoneInfo("Europe/Moscow")).date()
    return f"{today},{today + timedelta(days=1)}"


def container_for(tmp_path: Path, api: FakeBotApi, **values: Any) -> Container:
    values.setdefault("holidays", no_digest_days())
    container = build_container(settings_for(tmp_path, telegram_api_url=api.url, **values))
    container.limits.override(providers.Object(FAST))
    return container


def digest(key: str = "digest:2026-01-12:daily_digest:9001") -> OutboxMessage:
    return OutboxMessage(
        recipient=UserId(ADMIN),
        template="daily_digest",
        params={"date": "2026-01-12", "new": 3, "overdue": 1, "in_progress": 2, "completed": 4},
        dedupe_key=key,
        created_at=MONDAY_NOON_MSK,
    )


async def queue(uow_factory: UnitOfWorkFactory, message: OutboxMessage) -> None:
    async with uow_factory() as uow:
        await uow.outbox.add([message])
        await uow.commit()


async def stored_backlog(tmp_path: Path) -> int:
    """Messages still waiting in the SQLite file, read afresh."""
    engine = create_engine(sqlite_url(tmp_path))
    try:
        async with sql_uow_factory(engine)() as uow:
            return await uow.deliveries.backlog(MONDAY_NOON_MSK + timedelta(days=3650))
    finally:
        await engine.dispose()


async def within(awaitable: Any, seconds: float = 20) -> Any:
    return await asyncio.wait_for(awaitable, seconds)


async def test_run_delivers_queued_notifications_beside_polling(
    tmp_path: Path, api: FakeBotApi
) -> None:
    stop = asyncio.Event()
    container = container_for(tmp_path, api)
    running = asyncio.create_task(run(container, stop=stop))
    await within(api.polling.wait())  # migrated, admin made, polling

    await queue(container.uow_factory(), digest())
    await within(api.message_arrived.wait())
    stop.set()
    await within(running)

    [push] = api.called("sendMessage")
    assert push.params["chat_id"] == ADMIN
    assert "12" in push.params["text"]
    assert await stored_backlog(tmp_path) == 0


async def test_sigterm_lets_the_send_in_flight_finish_and_be_marked(
    tmp_path: Path, api: FakeBotApi
) -> None:
    container = container_for(tmp_path, api)
    api.hold_messages = True
    running = asyncio.create_task(run(container))
    await within(api.polling.wait())
    await queue(container.uow_factory(), digest())
    await within(api.message_arrived.wait())  # the push is on its way

    os.kill(os.getpid(), signal.SIGTERM)
    await within(container.background().stopping.wait())
    assert not running.done(), "stopping waits for the send in flight"
    api.release_messages.set()
    await within(running)

    assert len(api.called("sendMessage")) == 1
    assert await stored_backlog(tmp_path) == 0, "marked as sent before the exit"


async def test_the_worker_alone_delivers_without_polling(tmp_path: Path, api: FakeBotApi) -> None:
    stop = asyncio.Event()
    container = container_for(tmp_path, api)
    running = asyncio.create_task(work(container, stop=stop))
    worker = container.delivery_worker()
    await within(_until(lambda: container.background().running))

    async with container.uow_factory()() as uow:  # no `zavhoz run` made the admin here
        await uow.users.add(user(ADMIN, Role.ADMIN))
        await uow.commit()
    await queue(container.uow_factory(), digest())
    await within(api.message_arrived.wait())
    stop.set()
    await within(running)

    assert worker.stopping
    assert [c.method for c in api.calls] == ["getMe", "sendMessage"], "no polling, no commands"
    assert await stored_backlog(tmp_path) == 0


class FakeBackground:
    def __init__(self) -> None:
        self.events: list[str] = []
        self.stopping = asyncio.Event()

    def start(self) -> None:
        self.events.append("start")

    async def stop(self) -> None:
        self.events.append("stop")


@pytest.mark.parametrize(("run_worker", "events"), [(True, ["start", "stop"]), (False, [])])
async def test_run_starts_the_worker_unless_told_not_to(
    tmp_path: Path, api: FakeBotApi, run_worker: bool, events: list[str]
) -> None:
    stop = asyncio.Event()
    container = container_for(tmp_path, api, run_worker=run_worker)
    background = FakeBackground()
    container.background.override(providers.Object(background))
    running = asyncio.create_task(run(container, stop=stop))
    await within(api.polling.wait())
    stop.set()
    await within(running)

    assert background.events == events


async def _until(condition: Any) -> None:
    while not condition():
        await asyncio.sleep(0)


# --- the command line and the settings ------------------------------------------------------


async def test_outbox_dead_lists_dead_messages_with_their_reasons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".env").write_text(f"ZAVHOZ_DATABASE_URL={sqlite_url(tmp_path)}\n")
    assert await asyncio.to_thread(main, ["db", "upgrade"]) == 0
    assert await asyncio.to_thread(main, ["outbox", "dead"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == "No dead messages."

    engine = create_engine(sqlite_url(tmp_path))
    uow_factory = sql_uow_factory(engine)
    async with uow_factory() as uow:
        await uow.outbox.add([digest("one"), digest("two")])
        await uow.commit()
    async with uow_factory() as uow:
        [first, second] = await uow.deliveries.claim(MONDAY_NOON_MSK, 10, timedelta(minutes=2))
        await uow.deliveries.dead(first.id, "gave up after 12 attempts: TemporaryFailure: 502")
        await uow.deliveries.sent(second.id, MONDAY_NOON_MSK)
        await uow.commit()
    await engine.dispose()

    assert await asyncio.to_thread(main, ["outbox", "dead"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines == [
        f"#{first.id}  2026-01-12 09:00 UTC  to {ADMIN}  daily_digest: "
        "gave up after 12 attempts: TemporaryFailure: 502"
    ]


def test_worker_without_a_token_says_how_to_get_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["worker"]) == 2
    err = capsys.readouterr().err
    assert "@BotFather" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("ZAVHOZ_DIGEST_TIME", "25:00", "'25:00' is not a time of day: use HH:MM, e.g. 08:00"),
        ("ZAVHOZ_NOTIFY_RATE", "0", "Input should be greater than 0"),
        ("ZAVHOZ_SLA_SCAN_SECONDS", "often", "Input should be a valid integer"),
    ],
)
def test_a_bad_notification_setting_is_one_line(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
    says: str,
) -> None:
    monkeypatch.setenv("ZAVHOZ_BOT_TOKEN", TOKEN)
    monkeypatch.setenv(variable, value)
    assert main(["worker"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"zavhoz: {variable}: ")
    assert says in err
    assert err.count("\n") == 1


async def test_the_container_builds_the_worker_and_scheduler_from_the_settings(
    tmp_path: Path,
) -> None:
    container = build_container(
        settings_for(
            tmp_path,
            notify_rate=12.5,
            notify_max_attempts=4,
            sla_scan_seconds=30,
            digest_time="07:45",
            timezone="Asia/Yekaterinburg",
        )
    )
    worker = container.delivery_worker()
    assert worker.limits.rate == 12.5
    assert worker.limits.max_attempts == 4
    scheduler = container.scheduler()
    assert scheduler.scan_every == timedelta(seconds=30)
    assert scheduler.digest_at == time(7, 45)
    assert str(scheduler.calendar.timezone) == "Asia/Yekaterinburg"
    assert container.background().worker is worker
    await container.bot().session.close()
    await container.engine().dispose()
