"""A card action's typed conversation survives a refused reply (429, 502, a timeout) and a
storage failure between its writes: the comment, report, photos or reason is never lost."""

import pytest
from aiogram.fsm.storage.base import BaseStorage
from aiogram.methods import SendMessage

from tests.integration.telegram.test_actions import (
    ANNA,
    IVAN,
    Team,
    in_progress,
    new_request,
    open_card,
    team,
)
from tests.integration.telegram.test_refused_replies import (
    ANSWERS,
    APOLOGY,
    FAULTS,
    finish,
    resume,
)
from tests.integration.telegram.test_wizard import STEPS, staff
from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.testing import World
from zavhoz.domain.catalog import Status
from zavhoz.domain.events import EventKind
from zavhoz.domain.ids import RequestId

__all__ = ["team"]


def comments(db: MemoryDatabase, rid: RequestId) -> list[str]:
    return [e.payload["text"] for e in db.history[rid] if e.kind is EventKind.COMMENT_ADDED]


@pytest.mark.parametrize("fault", FAULTS)
async def test_a_refused_comment_question_still_takes_the_comment(
    team: Team, world: World, db: MemoryDatabase, services: Services, fault: str
) -> None:
    rid = await new_request(services)
    await open_card(team.anna, db, rid)
    world.session.refuse(SendMessage, fault=fault)

    assert await team.anna.press("Комментарий") == APOLOGY
    await team.anna.send("Ключ у вахтёра")

    assert comments(db, rid) == ["Ключ у вахтёра"]
    assert "Ключ у вахтёра" in team.anna.last.text, "the card shows it"


@pytest.mark.parametrize("fault", FAULTS)
async def test_a_refused_confirmation_keeps_the_comment_once(
    team: Team, world: World, db: MemoryDatabase, services: Services, fault: str
) -> None:
    rid = await new_request(services)
    await open_card(team.anna, db, rid)
    await team.anna.press("Комментарий")
    world.session.refuse(SendMessage, fault=fault)

    await team.anna.send("Ключ у вахтёра")

    assert team.anna.last.text == APOLOGY
    assert comments(db, rid) == ["Ключ у вахтёра"]


@pytest.mark.parametrize("fault", FAULTS)
async def test_a_report_and_its_photos_survive_refused_replies(
    team: Team, world: World, db: MemoryDatabase, services: Services, fault: str
) -> None:
    """The photos question and a photo's count are refused; «Готово» completes with all."""
    rid = await new_request(services)
    await in_progress(services, rid)
    await open_card(team.ivan, db, rid)
    await team.ivan.press("Выполнено")

    world.session.refuse(SendMessage, fault=fault)
    await team.ivan.send("Заменил замок")
    assert team.ivan.last.text == APOLOGY
    await team.ivan.send_photo("work-1")
    world.session.refuse(SendMessage, fault=fault)
    await team.ivan.send_photo("work-2")
    assert team.ivan.last.text == APOLOGY
    await team.ivan.send_photo("work-3")
    assert team.ivan.last.text.startswith("📷 Фото 3 из 10.")
    await team.ivan.press("Готово")

    assert db.requests[rid].status is Status.COMPLETED
    event = db.history[rid][-1]
    assert event.payload["report"] == "Заменил замок"
    assert [a.file_id for a in event.attachments] == ["work-1", "work-2", "work-3"]


@pytest.mark.parametrize(
    ("who", "button", "status", "fault"),
    [
        (IVAN, "Отложить", Status.ON_HOLD, "429"),
        (IVAN, "Отложить", Status.ON_HOLD, "timeout"),
        (None, "Отклонить", Status.REJECTED, "502"),
        (None, "Отклонить", Status.REJECTED, "429"),
    ],
)
async def test_a_reason_survives_a_refused_question_and_confirmation(
    team: Team,
    world: World,
    db: MemoryDatabase,
    services: Services,
    who: int | None,
    button: str,
    status: Status,
    fault: str,
) -> None:
    rid = await new_request(services)
    await in_progress(services, rid)
    person = team.ivan if who == IVAN else team.boss
    await open_card(person, db, rid)

    world.session.refuse(SendMessage, fault=fault)
    assert await person.press(button) == APOLOGY
    world.session.refuse(SendMessage, fault=fault)
    await person.send("Ждём запчасти")

    assert person.last.text == APOLOGY
    assert db.requests[rid].status is status
    assert db.history[rid][-1].payload["reason"] == "Ждём запчасти"
    assert any(m.recipient == ANNA for m in db.outbox), "the author is told"


def fail_once(storage: BaseStorage, name: str) -> None:
    """The storage's next ``name`` call fails, as a Redis connection killed mid-update."""
    original = getattr(storage, name)

    async def failing(*args: object, **kwargs: object) -> None:
        setattr(storage, name, original)
        raise ConnectionError("Redis went away")

    setattr(storage, name, failing)


async def test_a_storage_failure_between_the_draft_and_the_step_loses_nothing(
    world: World, db: MemoryDatabase
) -> None:
    """The description and the move to the priority are one write; the state follows."""
    anna = await staff(world)
    await anna.send("📝 Новая заявка")
    for step in STEPS[: STEPS.index("description")]:
        await ANSWERS[step](anna)
    fail_once(world.dispatcher.fsm.storage, "set_state")

    await ANSWERS["description"](anna)

    assert anna.last.text == APOLOGY
    assert await resume(anna) == "priority"
    await finish(anna, db, "priority")


async def test_a_storage_failure_after_the_report_keeps_it_and_goes_on_to_photos(
    team: Team, world: World, db: MemoryDatabase, services: Services
) -> None:
    """The report is written before the state: a lost state write still means «photos now»."""
    rid = await new_request(services)
    await in_progress(services, rid)
    await open_card(team.ivan, db, rid)
    await team.ivan.press("Выполнено")
    fail_once(world.dispatcher.fsm.storage, "set_state")

    await team.ivan.send("Заменил замок")
    assert team.ivan.last.text == APOLOGY
    await team.ivan.send_photo("work-1")

    assert team.ivan.last.text.startswith("📷 Фото 1 из 10.")
    await team.ivan.press("Готово")
    assert db.requests[rid].status is Status.COMPLETED
    assert db.history[rid][-1].payload["report"] == "Заменил замок"
