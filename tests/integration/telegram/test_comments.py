"""Comments and internal notes on a request card: who sees them and who is told."""

import pytest

from tests.integration.telegram.conftest import ADMIN_ID
from tests.integration.telegram.test_actions import (
    ANNA,
    IVAN,
    Team,
    act,
    in_progress,
    new_request,
    open_card,
    team,
)
from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.adapters.telegram.callbacks import CardCb
from zavhoz.adapters.telegram.services import Services
from zavhoz.domain.events import EventKind
from zavhoz.domain.ids import UserId

__all__ = ["team"]

NOTE = "Замок китайский, в следующий раз менять целиком"


def messages_to(db: MemoryDatabase, recipient: int) -> list[tuple[str, str]]:
    return [(m.template, str(m.params.get("text"))) for m in db.outbox if m.recipient == recipient]


async def test_the_authors_comment_goes_to_the_assignee(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await new_request(services)
    await in_progress(services, rid)
    await open_card(team.anna, db, rid)

    await team.anna.press("Комментарий")
    assert "до 2000 символов" in team.anna.last.text
    await team.anna.send("Ключ у вахтёра")

    assert team.anna.texts[-2] == f"💬 Комментарий к заявке №{rid} добавлен."
    assert "Ключ у вахтёра" in team.anna.last.text, "the fresh card shows the comment"
    event = db.history[rid][-1]
    assert (event.kind, event.payload["text"], event.is_internal) == (
        EventKind.COMMENT_ADDED,
        "Ключ у вахтёра",
        False,
    )
    assert messages_to(db, IVAN)[-1] == ("comment_added", "Ключ у вахтёра")
    await open_card(team.ivan, db, rid)
    assert "• Анна, 12.01, 12:00: Ключ у вахтёра" in team.ivan.last.text


async def test_without_an_assignee_the_authors_comment_goes_to_the_admins(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await new_request(services)
    await act(team.anna, db, rid, "comment")
    await team.anna.send("Ключ у вахтёра")

    assert messages_to(db, ADMIN_ID)[-1] == ("comment_added", "Ключ у вахтёра")


async def test_an_executors_comment_goes_to_the_author(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await new_request(services)
    await in_progress(services, rid)
    await act(team.ivan, db, rid, "comment")
    await team.ivan.send("Буду после обеда")

    assert messages_to(db, ANNA)[-1] == ("comment_added", "Буду после обеда")


async def test_an_internal_note_never_reaches_the_author(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await new_request(services)
    await in_progress(services, rid)
    await open_card(team.ivan, db, rid)

    await team.ivan.press("Заметка")
    assert "заявитель — нет" in team.ivan.last.text
    await team.ivan.send(NOTE)

    assert "Заявитель её не увидит" in team.ivan.texts[-2]
    assert f"🔒 Иван, 12.01, 12:00: {NOTE}" in team.ivan.last.text
    event = db.history[rid][-1]
    assert (event.kind, event.is_internal) == (EventKind.COMMENT_ADDED, True)
    assert messages_to(db, ADMIN_ID)[-1] == ("internal_note_added", NOTE)
    assert not [m for m in db.outbox if m.recipient == UserId(ANNA) and NOTE in str(m.params)]

    await open_card(team.anna, db, rid)
    assert NOTE not in team.anna.last.text
    assert "Заметка" not in " ".join(team.anna.buttons())
    await team.anna.press("История")
    assert "История заявки" in team.anna.last.text
    assert NOTE not in team.anna.last.text
    assert "внутренняя заметка" not in team.anna.last.text
    assert all(NOTE not in text for text in team.anna.texts)


async def test_the_author_cannot_write_an_internal_note(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await new_request(services)
    before = list(db.history[rid])

    alert = await act(team.anna, db, rid, "internal_note")

    assert alert == "Это могут только исполнители и администраторы."
    await team.anna.send(NOTE)
    assert db.history[rid] == before


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("   ", "Слишком коротко: нужно не меньше 1 символа, сейчас 0."),
        ("я" * 2001, "Слишком длинно: можно не больше 2000 символов, сейчас 2001."),
    ],
)
async def test_a_comment_out_of_limits_is_asked_again(
    team: Team, db: MemoryDatabase, services: Services, typed: str, answer: str
) -> None:
    rid = await new_request(services)
    await act(team.anna, db, rid, "comment")

    await team.anna.send(typed)

    assert team.anna.last.text == answer
    assert EventKind.COMMENT_ADDED not in [e.kind for e in db.history[rid]]
    await team.anna.send("Теперь нормально")
    assert db.history[rid][-1].payload["text"] == "Теперь нормально"


async def test_a_non_text_reply_gets_a_hint_and_the_question_stays(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await new_request(services)
    await act(team.anna, db, rid, "comment")

    await team.anna.send_sticker()

    assert team.anna.last.text.startswith("Пришлите, пожалуйста, текст.")
    await team.anna.send("Ключ у вахтёра")
    assert db.history[rid][-1].payload["text"] == "Ключ у вахтёра"


async def test_a_reply_to_a_comment_push_is_kept_when_the_request_changed_meanwhile(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await new_request(services)
    await in_progress(services, rid)
    await act(team.ivan, db, rid, "comment")
    await team.ivan.send("Когда вам удобно?")
    # The push's «💬 Ответить» (notices/keyboards.py), for the version it was written for.
    reply = CardCb(id=rid, action="comment", v=db.requests[rid].version).pack()
    await act(team.boss, db, rid, "change_priority", "high")

    await team.anna.press_data(reply)
    assert team.anna.last.text.startswith(f"💬 Комментарий к заявке №{rid}")
    await team.anna.send("Завтра в 10")

    assert db.history[rid][-1].payload["text"] == "Завтра в 10"
    assert messages_to(db, IVAN)[-1] == ("comment_added", "Завтра в 10")
    assert team.anna.texts[-2] == f"💬 Комментарий к заявке №{rid} добавлен."


async def test_a_reply_the_core_refuses_is_given_back_not_lost(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await new_request(services)
    await act(team.anna, db, rid, "comment")
    await act(team.boss, db, rid, "reject")
    await team.boss.send("Не наша зона ответственности")

    await team.anna.send("Ключ у вахтёра")

    assert team.anna.texts[-2] == "Сейчас это сделать нельзя: заявка в статусе «❌ Отклонена»."
    assert team.anna.last.text == (
        "Ваш текст не отправлен — вот он, чтобы не пропал:\nКлюч у вахтёра"
    )
    assert EventKind.COMMENT_ADDED not in [e.kind for e in db.history[rid]]
    await team.anna.send("ещё")
    assert team.anna.last.text == "Не понял. Выберите действие в меню.", "the conversation is over"


async def test_a_stale_comment_button_the_core_refuses_never_swallows_the_text(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await new_request(services)
    await open_card(team.anna, db, rid)
    await act(team.boss, db, rid, "reject")
    await team.boss.send("Не наша зона ответственности")

    alert = await team.anna.press("Комментарий")
    assert alert == "Сейчас это сделать нельзя: заявка в статусе «❌ Отклонена»."
    assert "❌ Отклонена" in team.anna.last.text, "the card as it is now"
    await team.anna.send("Ключ у вахтёра")

    assert team.anna.last.text == (
        "Ваш текст не отправлен — вот он, чтобы не пропал:\nКлюч у вахтёра"
    )
