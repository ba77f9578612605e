"""Sentry through a transport that keeps envelopes in memory: no network, every event visible."""

import io
import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import sentry_sdk
import structlog
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from tests.integration.observability.conftest import (
    DESCRIPTION,
    TOKEN,
    Broken,
    ConfigureLogs,
    draft_to_confirm,
    joined,
)
from zavhoz import __version__
from zavhoz.adapters.observability import Metrics
from zavhoz.adapters.telegram.dispatcher import build_dispatcher
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.testing import RecordingSession, World
from zavhoz.main.container import event_isolation, fsm_storage
from zavhoz.main.observability import setup_observability
from zavhoz.main.settings import Settings

DSN = "https://public@sentry.example.com/1"
ANNA = 101


class KeptEnvelopes(Transport):
    def __init__(self) -> None:
        super().__init__()
        self.envelopes: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope)

    def events(self) -> list[dict[str, Any]]:
        return [
            item.payload.json
            for envelope in self.envelopes
            for item in envelope.items
            if item.type == "event" and item.payload.json is not None
        ]


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def sentry(configure_logs: ConfigureLogs) -> Iterator[KeptEnvelopes]:
    """``setup_observability`` with a DSN; logging is then undone by ``configure_logs``."""
    transport = KeptEnvelopes()
    configure_logs("INFO")  # registers the undoing; replaced just below
    setup_observability(
        settings(
            bot_token=TOKEN,
            sentry_dsn=DSN,
            environment="staging",
            log_format="json",
        ),
        stream=io.StringIO(),
        sentry_transport=transport,
    )
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)


async def test_a_failing_handler_makes_one_scrubbed_event_tagged_with_its_update(
    world: World, services: Services, sentry: KeptEnvelopes
) -> None:
    anna = await joined(world, ANNA)
    await draft_to_confirm(anna)
    object.__setattr__(services, "create_request", Broken())
    await anna.press("Отправить")
    sentry_sdk.flush()

    [event] = sentry.events()
    assert event["level"] == "error"
    assert event["tags"]["update_id"] == "8"  # /start, six steps of the wizard, "send"
    assert event["tags"]["user_id"] == str(ANNA)
    assert event["tags"]["handler"] == "wizard.confirm.send"
    assert event["tags"]["update_kind"] == "callback_query"
    assert event["release"] == f"zavhoz@{__version__}"
    assert event["environment"] == "staging"
    assert event["logentry"]["formatted"] == "update 8 failed"
    [exception] = event["exception"]["values"]
    assert exception["type"] == "RuntimeError"
    assert "bot[token]/sendMessage" in exception["value"]
    assert "description='[typed text]'" in exception["value"]
    everything = json.dumps(event, ensure_ascii=False)
    assert TOKEN not in everything
    assert TOKEN.split(":")[1] not in everything
    assert DESCRIPTION not in everything
    assert "Течёт" not in everything
    assert "user" not in event  # no personal data
    frames = exception["stacktrace"]["frames"]
    assert frames
    assert not any("vars" in frame for frame in frames)  # no local variables


async def test_what_was_typed_in_the_failing_update_is_cut_out(
    world: World, services: Services, sentry: KeptEnvelopes
) -> None:
    place = "спортзал на третьем этаже"

    class Quoting:
        async def __call__(self, *args: object) -> object:
            raise LookupError(f"no room is called {place}")  # quotes the typed words as they are

    anna = await joined(world, ANNA)
    await anna.send("📝 Новая заявка")
    object.__setattr__(services, "rooms", Quoting())
    structlog.contextvars.bind_contextvars(test="outside")  # not the update's: no tag
    try:
        await anna.send(place)
    finally:
        structlog.contextvars.clear_contextvars()
    sentry_sdk.flush()
    [event] = sentry.events()
    [exception] = event["exception"]["values"]
    assert exception["value"] == "no room is called [typed text]"
    assert place not in json.dumps(event, ensure_ascii=False)
    assert event["tags"] == {
        "update_id": "3",
        "user_id": str(ANNA),
        "handler": "wizard.steps.on_message",
        "update_kind": "message",
    }


async def test_breadcrumbs_of_earlier_lines_are_scrubbed_too(
    world: World, services: Services, sentry: KeptEnvelopes
) -> None:
    structlog.get_logger("zavhoz.test").info("calling", url=f"/bot{TOKEN}/getMe")
    anna = await joined(world, ANNA)
    object.__setattr__(services, "my_requests", Broken())
    await anna.send("📋 Мои заявки")
    sentry_sdk.flush()
    [event] = sentry.events()
    crumbs = event["breadcrumbs"]["values"]
    messages = [crumb.get("message") for crumb in crumbs]
    assert "calling" in messages
    assert "update handled" in messages  # a structlog line reads as its event
    assert TOKEN not in json.dumps(crumbs)


def test_without_a_dsn_sentry_is_not_even_imported() -> None:
    script = (
        "import io, sys\n"
        "from zavhoz.main.observability import setup_observability\n"
        "from zavhoz.main.settings import Settings\n"
        "setup_observability(Settings(_env_file=None), stream=io.StringIO())\n"
        "import logging; logging.getLogger('zavhoz').error('fine')\n"
        "print('sentry_sdk' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"


async def test_redis_down_makes_an_event_tagged_with_its_update_and_an_apology(
    services: Services, metrics: Metrics, sentry: KeptEnvelopes
) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        nowhere = f"redis://127.0.0.1:{unused.getsockname()[1]}/0"  # nothing listens there
    storage = fsm_storage(nowhere)
    session = RecordingSession()
    bot = Bot(TOKEN, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    dispatcher = build_dispatcher(
        services,
        storage=storage,
        isolation=event_isolation(storage),
        update_metrics=metrics.record_update,
    )
    world = World(dispatcher, bot, session)
    anna = world.person(ANNA)
    await anna.send("/start")
    await storage.close()
    sentry_sdk.flush()

    assert anna.last.text == "Не получилось, попробуйте ещё раз."
    [event] = sentry.events()
    assert event["tags"] == {"update_id": "1", "user_id": str(ANNA), "update_kind": "message"}
    assert event["exception"]["values"][-1]["type"] == "ConnectionError"  # redis', last of a chain
