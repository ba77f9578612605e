"""`zavhoz run`: configuration errors, the missing token, the container, polling and the webhook.

The bot runs for real against a small Bot API server on loopback (``ZAVHOZ_TELEGRAM_API_URL``),
on a SQLite file, and is stopped by SIGTERM or the test's stop event.
"""

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.types import Update
from aiohttp import ClientConnectorError, ClientSession
from aiohttp.test_utils import TestClient, TestServer, unused_port
from dependency_injector import providers
from sqlalchemy import text

from tests.integration.conftest import sqlite_url
from tests.integration.fake_bot_api import FakeBotApi, start_update
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.memory import MemoryDatabase, memory_uow_factory
from zavhoz.adapters.persistence.sqlalchemy import create_engine, sql_uow_factory
from zavhoz.adapters.telegram.testing import RecordingSession, World
from zavhoz.domain.ids import UserId
from zavhoz.domain.rooms import Room
from zavhoz.domain.users import Role
from zavhoz.main import bot as bot_main
from zavhoz.main.bot import SECRET_HEADER, TOKEN_REFUSED, run, webhook_app
from zavhoz.main.cli import main
from zavhoz.main.container import Container, StartupError, build_container
from zavhoz.main.in_flight import InFlight
from zavhoz.main.settings import Settings

TOKEN = "123456:TEST-token"
ADMIN = 9001


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("ZAVHOZ_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


# --- the command line -----------------------------------------------------------------------


def test_without_a_token_run_says_how_to_get_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1, "one message"
    assert "@BotFather" in err
    assert "ZAVHOZ_BOT_TOKEN" in err
    assert ".env" in err
    assert list(tmp_path.iterdir()) == [], "nothing is created before the token is known"


def test_a_bad_setting_stops_run_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ZAVHOZ_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("ZAVHOZ_WEBHOOK_PORT", "http")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("zavhoz: ZAVHOZ_WEBHOOK_PORT: ")
    assert err.count("\n") == 1


def test_python_dash_m_zavhoz_run_without_a_token_exits_2(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ZAVHOZ_")}
    finished = subprocess.run(
        [sys.executable, "-m", "zavhoz", "run"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert finished.returncode == 2
    assert finished.stdout == ""
    assert finished.stderr.count("\n") == 1
    assert "@BotFather" in finished.stderr
    assert "ZAVHOZ_BOT_TOKEN" in finished.stderr
    assert not (tmp_path / "zavhoz.db").exists()


# --- the container --------------------------------------------------------------------------


def settings_for(tmp_path: Path, **values: Any) -> Settings:
    return Settings(
        bot_token=TOKEN,  # type: ignore[arg-type]
        database_url=sqlite_url(tmp_path),
        admin_ids=str(ADMIN),  # type: ignore[arg-type]
        **values,
    )


async def test_the_container_builds_with_overrides_and_answers_start(tmp_path: Path) -> None:
    container = build_container(settings_for(tmp_path))
    db = MemoryDatabase()
    session = RecordingSession()
    container.uow_factory.override(providers.Object(memory_uow_factory(db)))
    container.clock.override(providers.Object(FakeClock()))
    container.session.override(providers.Object(session))

    bot, dispatcher = container.bot(), container.dispatcher()
    assert bot.session is session
    assert bot.default is not None
    assert bot.default.parse_mode == "HTML"
    assert isinstance(container.storage(), MemoryStorage)
    world = World(dispatcher, bot, session)
    anna = world.person(101, "Анна")
    await anna.send("/start")

    assert anna.last.text.startswith("Здравствуйте, Анна!")
    assert db.users[UserId(101)].role is Role.STAFF
    world.check_rules()
    assert not (tmp_path / "zavhoz.db").exists(), "the overridden parts never touched SQL"


async def test_the_container_follows_the_settings(tmp_path: Path) -> None:
    container = build_container(
        settings_for(
            tmp_path,
            redis_url="redis://127.0.0.1:6379/15",
            telegram_api_url="http://127.0.0.1:8081/",
            default_locale="en",
            registration="approval",
        )
    )
    storage = container.storage()
    assert isinstance(storage, RedisStorage)
    await storage.close()
    bot = container.bot()
    assert bot.session.api.api_url(TOKEN, "getMe") == f"http://127.0.0.1:8081/bot{TOKEN}/getMe"
    assert bot.session.api.file_url(TOKEN, "photos/1.jpg") == (
        f"http://127.0.0.1:8081/file/bot{TOKEN}/photos/1.jpg"
    )
    assert container.translator().default == "en"
    assert container.workflow().admin_ids == frozenset({UserId(ADMIN)})
    assert container.services().settings.registration.value == "approval"
    await bot.session.close()
    await container.engine().dispose()


async def test_without_a_token_the_container_refuses_to_build_a_bot(tmp_path: Path) -> None:
    container = Container(settings=Settings(database_url=sqlite_url(tmp_path)))
    with pytest.raises(StartupError, match="@BotFather"):
        container.bot()


# --- the webhook endpoint -------------------------------------------------------------------


@pytest.fixture
async def webhook_client(tmp_path: Path) -> AsyncIterator[tuple[TestClient[Any, Any], World]]:
    container = build_container(settings_for(tmp_path))
    session = RecordingSession()
    container.uow_factory.override(providers.Object(memory_uow_factory(MemoryDatabase())))
    container.session.override(providers.Object(session))
    bot, dispatcher = container.bot(), container.dispatcher()
    app = webhook_app(dispatcher, bot, "/telegram/webhook", "right-secret")
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client, World(dispatcher, bot, session)


@pytest.mark.parametrize(
    ("headers", "status", "answered"),
    [
        pytest.param({}, 401, False, id="no-secret"),
        pytest.param({SECRET_HEADER: "wrong-secret"}, 401, False, id="wrong-secret"),
        pytest.param({SECRET_HEADER: "right-secret"}, 200, True, id="right-secret"),
    ],
)
async def test_the_webhook_checks_the_secret_token(
    webhook_client: tuple[TestClient[Any, Any], World],
    headers: dict[str, str],
    status: int,
    answered: bool,
) -> None:
    client, world = webhook_client
    response = await client.post("/telegram/webhook", json=start_update(1, 101), headers=headers)
    assert response.status == status
    greetings = [s for s in world.session.shown if s.text.startswith("Здравствуйте, Анна!")]
    assert bool(greetings) is answered
    world.check_rules()


# --- the whole run against a Bot API server on loopback ------------------------------------


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


async def schema_head(tmp_path: Path) -> str | None:
    engine = create_engine(sqlite_url(tmp_path))
    try:
        async with engine.connect() as connection:
            return (
                await connection.execute(text("SELECT version_num FROM alembic_version"))
            ).scalar()
    except Exception:
        return None
    finally:
        await engine.dispose()


async def within(awaitable: Any, seconds: float = 20) -> Any:
    return await asyncio.wait_for(awaitable, seconds)


async def test_polling_end_to_end_and_sigterm_lets_the_update_in_flight_finish(
    tmp_path: Path, api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    container = build_container(settings_for(tmp_path, telegram_api_url=api.url))
    api.hold_messages = True
    await api.updates.put(start_update(1, 101))
    running = asyncio.create_task(run(container))

    await within(api.message_arrived.wait())
    os.kill(os.getpid(), signal.SIGTERM)  # while the reply to /start is still on its way
    await within(container.in_flight().draining.wait())
    assert not running.done(), "shutting down waits for the update in flight"
    api.release_messages.set()
    await within(running)

    methods = [call.method for call in api.calls]
    assert methods[:2] == ["getMe", "setMyCommands"]
    assert "deleteWebhook" in methods
    [reply] = api.called("sendMessage")
    assert reply.params["chat_id"] == 101
    assert reply.params["text"].startswith("Здравствуйте, Анна!")
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    assert await schema_head(tmp_path) is not None, "the database was upgraded to head"
    engine = create_engine(sqlite_url(tmp_path))
    async with engine.connect() as connection:
        query = "SELECT person_id, role FROM memberships ORDER BY person_id"
        rows = await connection.execute(text(query))
        assert [tuple(row) for row in rows] == [(101, "staff"), (ADMIN, "admin")]
    await engine.dispose()


async def test_start_sets_the_commands_per_language_and_role(
    tmp_path: Path, api: FakeBotApi
) -> None:
    stop = asyncio.Event()
    container = build_container(settings_for(tmp_path, telegram_api_url=api.url))
    running = asyncio.create_task(run(container, stop=stop))
    await within(api.polling.wait())
    stop.set()
    await within(running)

    lists = {
        (call.params["scope"]["type"], call.params["scope"].get("chat_id"),
         call.params.get("language_code")): [c["command"] for c in call.params["commands"]]
        for call in api.called("setMyCommands")
    }  # fmt: skip
    staff = ["start", "new", "my", "help", "cancel"]
    workers = ["start", "new", "my", "queue", "help", "cancel"]
    assert lists == {
        ("default", None, None): staff,
        ("default", None, "en"): staff,
        ("chat", ADMIN, None): workers,
        ("chat", ADMIN, "en"): workers,
    }
    descriptions = {
        call.params.get("language_code"): call.params["commands"][1]["description"]
        for call in api.called("setMyCommands")
        if call.params["scope"]["type"] == "default"
    }
    assert descriptions == {None: "Новая заявка", "en": "New request"}


async def test_run_without_migrating_leaves_the_database_alone(
    tmp_path: Path, api: FakeBotApi
) -> None:
    container = build_container(settings_for(tmp_path, telegram_api_url=api.url))
    with pytest.raises(Exception, match="no such table"):
        await within(run(container, migrate=False))
    assert await schema_head(tmp_path) is None


async def test_qr_needs_no_bot_after_the_first_run(
    tmp_path: Path,
    api: FakeBotApi,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ZAVHOZ_DATABASE_URL", sqlite_url(tmp_path))  # and no token
    qr = ["qr", "--room", "gym", "--out", "gym.png"]
    assert await asyncio.to_thread(main, ["db", "upgrade"]) == 0
    engine = create_engine(sqlite_url(tmp_path))
    async with sql_uow_factory(engine)() as uow:
        await uow.rooms.upsert(Room.create("gym", "Спортзал"))
        await uow.commit()
    await engine.dispose()
    assert await asyncio.to_thread(main, qr) == 1, "before the first run: --bot or a token"
    assert "--bot USERNAME" in capsys.readouterr().err

    stop = asyncio.Event()
    running = asyncio.create_task(
        run(build_container(settings_for(tmp_path, telegram_api_url=api.url)), stop=stop)
    )
    await within(api.polling.wait())
    stop.set()
    await within(running)

    asked = len(api.calls)
    assert await asyncio.to_thread(main, qr) == 0
    assert capsys.readouterr().out == "gym.png: QR codes of room gym opening @zavhoz_bot\n"
    assert len(api.calls) == asked, "remembered from the run, not asked again"


async def test_a_refused_token_is_one_clear_line(tmp_path: Path) -> None:
    async with FakeBotApi(token_ok=False) as api:
        container = build_container(settings_for(tmp_path, telegram_api_url=api.url))
        with pytest.raises(StartupError) as raised:
            await within(run(container))
    assert str(raised.value) == TOKEN_REFUSED
    assert "@BotFather" in TOKEN_REFUSED


async def test_webhook_end_to_end_with_sigterm(tmp_path: Path, api: FakeBotApi) -> None:
    port = unused_port()
    container = build_container(
        settings_for(
            tmp_path,
            telegram_api_url=api.url,
            webhook_url="https://bot.example.org/telegram/hook",
            webhook_host="127.0.0.1",
            webhook_port=port,
            webhook_path="/telegram/hook",
        )
    )
    running = asyncio.create_task(run(container))
    await within(api.webhook_set.wait())
    [hook] = api.called("setWebhook")
    assert hook.params["url"] == "https://bot.example.org/telegram/hook"
    secret = hook.params["secret_token"]
    assert len(str(secret)) >= 32, "a random secret when none is configured"

    address = f"http://127.0.0.1:{port}/telegram/hook"
    async with ClientSession() as http:
        refused = await http.post(address, json=start_update(1, 101))
        assert refused.status == 401
        accepted = await http.post(
            address, json=start_update(2, 101), headers={SECRET_HEADER: str(secret)}
        )
        assert accepted.status == 200
    [reply] = api.called("sendMessage")
    assert reply.params["text"].startswith("Здравствуйте, Анна!")

    os.kill(os.getpid(), signal.SIGTERM)
    await within(running)
    async with ClientSession() as http:
        with pytest.raises(ClientConnectorError):
            await http.post(address, json=start_update(3, 101))


async def test_the_configured_webhook_secret_is_used(tmp_path: Path, api: FakeBotApi) -> None:
    stop = asyncio.Event()
    port = unused_port()
    container = build_container(
        settings_for(
            tmp_path,
            telegram_api_url=api.url,
            webhook_url="https://bot.example.org/hook",
            webhook_secret="my_secret-1",
            webhook_host="127.0.0.1",
            webhook_port=port,
        )
    )
    running = asyncio.create_task(run(container, stop=stop))
    await within(api.webhook_set.wait())
    stop.set()
    await within(running)
    assert api.called("setWebhook")[0].params["secret_token"] == "my_secret-1"


class GiveUp(Exception):
    pass


async def test_an_unreachable_bot_api_is_retried_with_growing_waits(tmp_path: Path) -> None:
    nowhere = f"http://127.0.0.1:{unused_port()}"
    container = build_container(settings_for(tmp_path, telegram_api_url=nowhere))
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 8:
            raise GiveUp

    with pytest.raises(GiveUp):
        await bot_main.check_token(container.bot(), sleep)
    await container.bot().session.close()
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60]


async def test_the_real_process_polls_answers_and_stops_on_sigterm(
    tmp_path: Path, api: FakeBotApi
) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ZAVHOZ_")}
    environment |= {"ZAVHOZ_BOT_TOKEN": TOKEN, "ZAVHOZ_TELEGRAM_API_URL": api.url}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "zavhoz", "run",
        cwd=tmp_path, env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        # A cold start (imports compiled on first use, a busy CI machine) can be slow.
        await within(api.polling.wait(), 120)
        await api.updates.put(start_update(1, 101))
        await within(api.message_arrived.wait(), 60)
        process.send_signal(signal.SIGTERM)
        _, err = await within(process.communicate(), 60)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, err.decode()
    [reply] = api.called("sendMessage")
    assert reply.params["text"].startswith("Здравствуйте, Анна!")
    assert (tmp_path / "zavhoz.db").exists(), "the embedded default: a SQLite file in the folder"
    assert b"Traceback" not in err


async def test_a_webhook_port_in_use_is_one_clear_line(tmp_path: Path, api: FakeBotApi) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        container = build_container(
            settings_for(
                tmp_path,
                telegram_api_url=api.url,
                webhook_url="https://bot.example.org/hook",
                webhook_host="127.0.0.1",
                webhook_port=port,
            )
        )
        with pytest.raises(
            StartupError, match=f"cannot listen for the webhook on 127.0.0.1:{port}"
        ):
            await within(run(container))
    assert not api.called("setWebhook")


async def test_a_stuck_update_does_not_hold_the_exit_forever(
    caplog: pytest.LogCaptureFixture,
) -> None:
    in_flight = InFlight(timeout=0.01)
    never = asyncio.Event()

    async def stuck(event: Any, data: dict[str, Any]) -> None:
        await never.wait()

    handling = asyncio.create_task(in_flight(stuck, Update(update_id=1), {}))
    await asyncio.sleep(0)
    assert in_flight.count == 1
    await in_flight.drain()
    assert "stopped with 1 update(s) still in flight" in caplog.text
    handling.cancel()


def test_db_commands_read_the_database_from_dotenv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".env").write_text(
        f"ZAVHOZ_DATABASE_URL={sqlite_url(tmp_path / 'data')}\n", encoding="utf-8"
    )
    (tmp_path / "data").mkdir()
    assert main(["db", "upgrade"]) == 0
    assert (tmp_path / "data" / "zavhoz.db").exists()
    assert not (tmp_path / "zavhoz.db").exists()


@pytest.mark.parametrize("command", ["run", "worker"])
@pytest.mark.parametrize("where", ["postgres", "sqlite"])
def test_an_unreachable_database_is_one_clear_line(
    command: str,
    where: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    nowhere = {
        "postgres": f"postgresql+asyncpg://postgres@127.0.0.1:{unused_port()}/zavhoz",
        "sqlite": f"sqlite+aiosqlite:///{tmp_path / 'no' / 'such' / 'folder.db'}",
    }[where]
    monkeypatch.setenv("ZAVHOZ_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("ZAVHOZ_DATABASE_URL", nowhere)
    monkeypatch.setenv("ZAVHOZ_LOG_LEVEL", "WARNING")

    assert main([command]) == 2
    out, err = capsys.readouterr()
    assert err.startswith("zavhoz: cannot reach the database (ZAVHOZ_DATABASE_URL):")
    assert err.count("\n") == 1
    assert "Traceback" not in out + err


@pytest.mark.parametrize("command", ["run", "worker"])
def test_an_unreachable_database_without_migrating_is_one_clear_line(
    command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ZAVHOZ_BOT_TOKEN", TOKEN)
    monkeypatch.setenv(
        "ZAVHOZ_DATABASE_URL", f"postgresql+asyncpg://postgres@127.0.0.1:{unused_port()}/zavhoz"
    )
    assert main([command, "--no-migrate"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("zavhoz: cannot reach the database (ZAVHOZ_DATABASE_URL):")
    assert err.count("\n") == 1


def test_the_worker_process_with_the_database_down_exits_2_without_a_traceback(
    tmp_path: Path,
) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ZAVHOZ_")}
    environment["ZAVHOZ_BOT_TOKEN"] = TOKEN
    environment["ZAVHOZ_DATABASE_URL"] = (
        f"postgresql+asyncpg://postgres@127.0.0.1:{unused_port()}/zavhoz"
    )
    finished = subprocess.run(
        [sys.executable, "-m", "zavhoz", "worker"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert finished.returncode == 2
    assert finished.stderr.count("\n") == 1, finished.stderr
    assert finished.stderr.startswith("zavhoz: cannot reach the database")
