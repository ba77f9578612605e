"""Forged buttons are refused by the core and change nothing; typed text is shown literally."""

import copy
from typing import Any

import attrs
import pytest

from tests.integration.telegram.test_actions import (
    IVAN,
    Team,
    act,
    in_progress,
    new_request,
    team,
)
from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.testing import Person
from zavhoz.adapters.telegram.testing.rules import html_problems
from zavhoz.application.use_cases.complete_request import CompleteRequestCommand
from zavhoz.domain.catalog import Status
from zavhoz.domain.ids import RequestId, UserId

__all__ = ["team"]

HOSTILE = "<b>x</b> & <script>\"'"

NOT_YOURS = "Эта заявка вам недоступна."
EXECUTORS_ONLY = "Это могут только исполнители и администраторы."
ADMINS_ONLY = "Это может только администратор."
ASSIGNEE_OR_ADMIN = "Это может только исполнитель заявки или администратор."
AUTHOR_OR_ADMIN = "Это может только автор заявки или администратор."
AUTHOR_ONLY = "Это может только автор заявки."


def snapshot(db: MemoryDatabase) -> Any:
    return copy.deepcopy(
        (
            {rid: attrs.asdict(request) for rid, request in db.requests.items()},
            {rid: list(events) for rid, events in db.history.items()},
            list(db.outbox),
        )
    )


async def request_in(status: Status, db: MemoryDatabase, services: Services) -> RequestId:
    """Анна's request, worked on by Иван."""
    rid = await new_request(services)
    if status is not Status.OPEN:
        await in_progress(services, rid)
    if status is Status.COMPLETED:
        await services.complete(
            CompleteRequestCommand(actor_id=UserId(IVAN), request_id=rid, report="Заменил замок")
        )
    assert db.requests[rid].status is status
    return rid


FORGERIES = [
    # Борис is staff and has nothing to do with Анна's request.
    ("boris", Status.OPEN, "take", "", NOT_YOURS),
    ("boris", Status.OPEN, "assign", str(IVAN), NOT_YOURS),
    ("boris", Status.OPEN, "reject", "", NOT_YOURS),
    ("boris", Status.OPEN, "change_priority", "high", NOT_YOURS),
    ("boris", Status.IN_PROGRESS, "complete", "", NOT_YOURS),
    ("boris", Status.OPEN, "cancel", "", NOT_YOURS),
    ("boris", Status.COMPLETED, "confirm", "", NOT_YOURS),
    ("boris", Status.COMPLETED, "rate", "5", NOT_YOURS),
    ("boris", Status.IN_PROGRESS, "comment", "", NOT_YOURS),
    # Анна is the author, but staff: no executor's or admin's action is hers.
    ("anna", Status.OPEN, "take", "", EXECUTORS_ONLY),
    ("anna", Status.OPEN, "assign", "", ADMINS_ONLY),
    ("anna", Status.OPEN, "assign", str(IVAN), ADMINS_ONLY),
    ("anna", Status.IN_PROGRESS, "reassign", str(IVAN), ADMINS_ONLY),
    ("anna", Status.OPEN, "reject", "", ADMINS_ONLY),
    ("anna", Status.OPEN, "change_priority", "", ADMINS_ONLY),
    ("anna", Status.OPEN, "change_priority", "high", ADMINS_ONLY),
    ("anna", Status.IN_PROGRESS, "hold", "", ASSIGNEE_OR_ADMIN),
    ("anna", Status.IN_PROGRESS, "complete", "", ASSIGNEE_OR_ADMIN),
    # Пётр is an executor, but neither the author nor the assignee.
    ("petr", Status.OPEN, "cancel", "", AUTHOR_OR_ADMIN),
    ("petr", Status.COMPLETED, "confirm", "", AUTHOR_ONLY),
    ("petr", Status.COMPLETED, "rate", "5", AUTHOR_ONLY),
    ("petr", Status.COMPLETED, "reopen", "", AUTHOR_ONLY),
    ("petr", Status.IN_PROGRESS, "hold", "", ASSIGNEE_OR_ADMIN),
    ("petr", Status.IN_PROGRESS, "complete", "", ASSIGNEE_OR_ADMIN),
]


@pytest.mark.parametrize(("who", "status", "action", "arg", "refusal"), FORGERIES)
async def test_a_forged_button_is_refused_and_nothing_changes(
    team: Team,
    db: MemoryDatabase,
    services: Services,
    who: str,
    status: Status,
    action: str,
    arg: str,
    refusal: str,
) -> None:
    rid = await request_in(status, db, services)
    person: Person = getattr(team, who)
    before = snapshot(db)

    alert = await act(person, db, rid, action, arg)
    await person.send("Какой-то текст, будто причина")

    assert alert == refusal
    assert snapshot(db) == before
    assert person.last.text == "Не понял. Выберите действие в меню.", "nothing was asked"


async def flow_hold(team: Team, db: MemoryDatabase, services: Services) -> tuple[Person, RequestId]:
    rid = await request_in(Status.IN_PROGRESS, db, services)
    await act(team.ivan, db, rid, "hold")
    await team.ivan.send(HOSTILE)
    return team.ivan, rid


async def flow_report(
    team: Team, db: MemoryDatabase, services: Services
) -> tuple[Person, RequestId]:
    rid = await request_in(Status.IN_PROGRESS, db, services)
    await act(team.ivan, db, rid, "complete")
    await team.ivan.send(HOSTILE)
    await team.ivan.press("Готово")
    return team.ivan, rid


async def flow_comment(
    team: Team, db: MemoryDatabase, services: Services
) -> tuple[Person, RequestId]:
    rid = await request_in(Status.OPEN, db, services)
    await act(team.anna, db, rid, "comment")
    await team.anna.send(HOSTILE)
    return team.anna, rid


async def flow_reject(
    team: Team, db: MemoryDatabase, services: Services
) -> tuple[Person, RequestId]:
    rid = await request_in(Status.OPEN, db, services)
    await act(team.boss, db, rid, "reject")
    await team.boss.send(HOSTILE)
    return team.boss, rid


async def flow_reopen(
    team: Team, db: MemoryDatabase, services: Services
) -> tuple[Person, RequestId]:
    rid = await request_in(Status.COMPLETED, db, services)
    await act(team.anna, db, rid, "reopen")
    await team.anna.send(HOSTILE)
    return team.anna, rid


async def flow_cancel(
    team: Team, db: MemoryDatabase, services: Services
) -> tuple[Person, RequestId]:
    rid = await request_in(Status.OPEN, db, services)
    await act(team.anna, db, rid, "cancel")
    await team.anna.send(HOSTILE)
    return team.anna, rid


@pytest.mark.parametrize(
    ("flow", "field", "shown_on"),
    [
        (flow_hold, "reason", ("confirmation", "card", "history")),
        (flow_report, "report", ("confirmation", "card", "history")),
        (flow_comment, "text", ("card", "history")),
        (flow_reject, "reason", ("confirmation", "card", "history")),
        (flow_reopen, "reason", ("confirmation", "history")),
        (flow_cancel, "reason", ("confirmation", "card", "history")),
    ],
)
async def test_typed_text_is_stored_as_typed_and_shown_literally(
    team: Team,
    db: MemoryDatabase,
    services: Services,
    flow: Any,
    field: str,
    shown_on: tuple[str, ...],
) -> None:
    person, rid = await flow(team, db, services)

    assert db.history[rid][-1].payload[field] == HOSTILE
    screens = {"confirmation": person.texts[-2], "card": person.last.text}
    await person.press("История")
    screens["history"] = person.last.text
    for markup in (screens[name] for name in shown_on):
        problems, visible = html_problems(markup)
        assert problems == []
        assert HOSTILE in visible
        assert "<script>" not in markup
