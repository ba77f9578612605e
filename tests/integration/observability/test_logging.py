"""Logs of a real dispatcher flow: the update's context on every line, no typed text above DEBUG,
never the token (not in messages, fields, nor tracebacks)."""

import logging

import structlog
from structlog.testing import capture_logs

from tests.integration.observability.conftest import (
    DESCRIPTION,
    STRANGER_TOKEN,
    TOKEN,
    Broken,
    ConfigureLogs,
    draft_to_confirm,
    joined,
)
from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.adapters.telegram.callbacks import CardCb
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.testing import World
from zavhoz.domain.ids import RequestId

ANNA = 101


async def test_each_update_ends_with_a_line_naming_the_update_the_person_and_the_handler(
    world: World, configure_logs: ConfigureLogs
) -> None:
    logs = configure_logs("INFO")
    anna = await joined(world, ANNA)
    await anna.send("📋 Мои заявки")
    done = logs.named("update handled")
    assert [(e["update_id"], e["user_id"], e["update_kind"]) for e in done] == [
        (1, ANNA, "message"),
        (2, ANNA, "message"),
    ]
    assert done[0]["handler"].startswith("start.")
    assert done[1]["handler"].startswith("lists.")
    assert done[1]["logger"] == "zavhoz.telegram"
    assert done[1]["level"] == "info"
    assert isinstance(done[1]["ms"], float)
    assert logs.lines()[-1]["handler"] == done[1]["handler"]  # the JSON line says the same


async def test_a_failing_handler_is_logged_with_the_context_of_its_update(
    world: World, services: Services, configure_logs: ConfigureLogs
) -> None:
    logs = configure_logs("INFO")
    anna = await joined(world, ANNA)
    object.__setattr__(services, "my_requests", Broken())
    await anna.send("📋 Мои заявки")
    [failure] = [e for e in logs.entries if e["level"] == "error"]
    assert failure["event"] == "update 2 failed"
    assert (failure["update_id"], failure["user_id"]) == (2, ANNA)
    assert failure["handler"].startswith("lists.")
    assert "RuntimeError" in failure["exception"]
    assert anna.last.text == "Не получилось, попробуйте ещё раз."


async def test_the_request_is_named_once_the_update_has_touched_it(
    world: World, db: MemoryDatabase, configure_logs: ConfigureLogs
) -> None:
    logs = configure_logs("INFO")
    anna = await joined(world, ANNA)
    await draft_to_confirm(anna)
    await anna.press("Отправить")
    assert list(db.requests) == [RequestId(1)]
    assert logs.named("update handled")[-1]["request_id"] == 1  # created in this update
    await anna.press_data(CardCb(id=1).pack())  # the card of the request: its button names it
    assert logs.named("update handled")[-1]["request_id"] == 1
    assert "request_id" not in logs.named("update handled")[0]


async def test_context_does_not_outlive_its_update(
    world: World, configure_logs: ConfigureLogs
) -> None:
    configure_logs("INFO")
    structlog.contextvars.bind_contextvars(test="kept")
    anna = await joined(world, ANNA)
    await anna.send("📋 Мои заявки")
    assert structlog.contextvars.get_contextvars() == {"test": "kept"}
    structlog.contextvars.clear_contextvars()


async def test_the_middleware_binds_context_for_structlog_lines_too(world: World) -> None:
    """With structlog's own ``capture_logs``: the middleware's lines carry the context."""
    anna = world.person(ANNA)
    with capture_logs(processors=[structlog.contextvars.merge_contextvars]) as captured:
        await anna.send("/start")
    [done] = [e for e in captured if e["event"] == "update handled"]
    assert (done["update_id"], done["user_id"]) == (1, ANNA)
    assert done["handler"].startswith("start.")


async def test_what_people_type_is_logged_at_debug_only(
    world: World, configure_logs: ConfigureLogs
) -> None:
    logs = configure_logs("INFO")
    anna = await joined(world, ANNA)
    await draft_to_confirm(anna)
    await anna.press("Отправить")
    assert logs.named("update handled")  # there were lines...
    assert DESCRIPTION not in logs.text  # ...but not the description
    assert not [e for e in logs.entries if {"text", "description", "caption"} & set(e)]

    verbose = configure_logs("DEBUG")
    bob = await joined(world, 102, "Боб")
    await draft_to_confirm(bob, "Не работает розетка у окна")
    [received] = [e for e in verbose.named("update received") if e.get("text", "").startswith("Не")]
    assert received["text"] == "Не работает розетка у окна"
    assert received["user_id"] == 102


async def test_typed_fields_and_quoted_typed_text_go_above_debug(
    configure_logs: ConfigureLogs,
) -> None:
    logs = configure_logs("DEBUG")
    log = structlog.get_logger("zavhoz.test")
    log.debug("typed", comment="дверь скрипит")
    log.info("typed", comment="дверь скрипит", request_id=7)
    logging.getLogger("zavhoz.test").warning("refused %r", {"description": "дверь скрипит"})
    debug, info, warning = logs.entries
    assert debug["comment"] == "дверь скрипит"
    assert "comment" not in info
    assert info["request_id"] == 7
    assert warning["event"] == "refused {'description': '[typed text]'}"


async def test_the_token_never_appears_not_even_in_a_traceback(
    world: World, services: Services, configure_logs: ConfigureLogs
) -> None:
    logs = configure_logs("DEBUG")  # the most talkative level
    anna = await joined(world, ANNA)
    await draft_to_confirm(anna)
    object.__setattr__(services, "create_request", Broken())
    await anna.press("Отправить")
    logging.getLogger("aiohttp.client").warning("GET /bot%s/getMe failed", STRANGER_TOKEN)
    structlog.get_logger("zavhoz.test").info("calling", url=f"/bot{TOKEN}/getMe", urls=[TOKEN])
    [failure] = [e for e in logs.entries if e["level"] == "error"]
    assert "Traceback (most recent call last)" in failure["exception"]
    assert "bot[token]/sendMessage" in failure["exception"]
    text = logs.text
    assert TOKEN not in text
    assert TOKEN.split(":")[1] not in text
    assert STRANGER_TOKEN not in text
    assert "GET /bot[token]/getMe failed" in text
    assert logs.entries[-1]["urls"] == ["[token]"]


async def test_typed_text_quoted_in_an_error_stays_out_above_debug(
    world: World, services: Services, configure_logs: ConfigureLogs
) -> None:
    logs = configure_logs("INFO")
    anna = await joined(world, ANNA)
    await draft_to_confirm(anna)
    object.__setattr__(services, "create_request", Broken())
    await anna.press("Отправить")
    [failure] = [e for e in logs.entries if e["level"] == "error"]
    assert "description='[typed text]'" in failure["exception"]  # the command's repr
    assert DESCRIPTION not in logs.text


async def test_library_logging_goes_through_the_same_pipeline(
    configure_logs: ConfigureLogs,
) -> None:
    logs = configure_logs("INFO")
    structlog.contextvars.bind_contextvars(update_id=5)
    try:
        for name in ("aiogram.dispatcher", "sqlalchemy.orm", "aiohttp.server", "alembic.runtime"):
            logging.getLogger(name).warning("hello from %s", name)
    finally:
        structlog.contextvars.clear_contextvars()
    lines = logs.lines()
    assert [line["logger"] for line in lines] == [
        "aiogram.dispatcher",
        "sqlalchemy.orm",
        "aiohttp.server",
        "alembic.runtime",
    ]
    assert all(line["update_id"] == 5 and line["level"] == "warning" for line in lines)
    assert all("timestamp" in line for line in lines)


async def test_sql_statements_are_not_logged_above_debug(configure_logs: ConfigureLogs) -> None:
    configure_logs("INFO")
    assert not logging.getLogger("sqlalchemy.engine").isEnabledFor(logging.INFO)
    configure_logs("DEBUG")
    assert logging.getLogger("sqlalchemy.engine").isEnabledFor(logging.INFO)


async def test_the_console_format_is_readable_and_masked_too(
    configure_logs: ConfigureLogs,
) -> None:
    logs = configure_logs("INFO", "console")
    structlog.get_logger("zavhoz.test").info("started", token=TOKEN, update_id=3)
    line = logs.text
    assert "started" in line
    assert "update_id=3" in line
    assert "token=[token]" in line
    assert TOKEN not in line
    assert not line.lstrip().startswith("{")


class _Holder:
    """Not plain data: the renderer would show its repr."""

    def __repr__(self) -> str:
        return f"Holder(token={TOKEN!r}, description={DESCRIPTION!r})"


async def test_values_that_are_not_plain_data_are_logged_as_masked_strings(
    configure_logs: ConfigureLogs,
) -> None:
    logs = configure_logs("INFO")
    structlog.get_logger("zavhoz.test").info("holding", holder=_Holder(), items={"n": [1, None]})
    [line] = logs.named("holding")
    assert line["holder"] == "Holder(token='[token]', description='[typed text]')"
    assert line["items"] == {"n": [1, None]}


async def test_a_field_named_level_does_not_lower_the_masking(
    configure_logs: ConfigureLogs,
) -> None:
    """The line's own level decides what is masked, not a field that claims another."""
    logs = configure_logs("INFO")
    structlog.contextvars.bind_contextvars(text=DESCRIPTION)
    try:
        logging.getLogger("aiogram.dispatcher").info(
            "about %r", DESCRIPTION, extra={"level": "debug", "comment": "дверь"}
        )
        structlog.get_logger("zavhoz.test").info("scored", reason=None, report=3)
    finally:
        structlog.contextvars.clear_contextvars()
    library, scored = logs.entries
    assert library["event"] == "about '[typed text]'"
    assert "comment" not in library
    assert not {"text", "reason", "report"} & set(scored)  # typed fields go whatever they hold
    assert DESCRIPTION not in logs.text


async def test_typed_context_hidden_by_a_field_of_the_same_name_is_cut_out_all_the_same(
    configure_logs: ConfigureLogs,
) -> None:
    logs = configure_logs("INFO")
    structlog.contextvars.bind_contextvars(text=DESCRIPTION)
    try:
        structlog.get_logger("zavhoz.test").info(f"quoting {DESCRIPTION}", text="другое")
    finally:
        structlog.contextvars.clear_contextvars()
    [line] = logs.lines()
    assert line["event"] == "quoting [typed text]"
    assert "text" not in line
