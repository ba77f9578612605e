"""«👥 Пользователи»: the admin's list, a person's card and every change, approval and blocking."""

import pytest
from aiogram.methods import DeleteMyCommands, EditMessageText, SetMyCommands
from aiogram.types import (
    BotCommandScopeChat,
    CallbackQuery,
    InaccessibleMessage,
    ReplyKeyboardRemove,
)

from tests.integration.telegram.conftest import ADMIN_ID
from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.adapters.telegram.keyboards.users import PAGE_SIZE
from zavhoz.adapters.telegram.testing import Person, World
from zavhoz.application.settings import RegistrationMode
from zavhoz.domain.ids import UserId
from zavhoz.domain.users import Role, UserState

USERS = "👥 Пользователи"
BLOCKED_TEXT = "Доступ к боту закрыт. Обратитесь к администратору."


async def admin_of(world: World, language: str = "ru") -> Person:
    boss = world.person(ADMIN_ID, "Завхоз", language=language)
    await boss.send("/start")
    return boss


async def newcomer(world: World, user_id: int, name: str, username: str | None = None) -> Person:
    person = world.person(user_id, name, username=username)
    await person.send("/start")
    return person


async def test_the_list_shows_everyone_with_role_and_state(
    world: World, db: MemoryDatabase
) -> None:
    boss = await admin_of(world)
    await newcomer(world, 101, "Анна", username="anna")
    await newcomer(world, 102, "Борис")
    db.users[UserId(102)].role = Role.EXECUTOR
    await newcomer(world, 103, "Вера")
    db.users[UserId(103)].state = UserState.BLOCKED

    await boss.send(USERS)

    lines = boss.last.text.splitlines()
    assert lines[0] == "<b>👥 Пользователи</b> · 4 человека"
    assert lines[1:] == [
        "1. <b>Анна</b> @anna — сотрудник, активен",
        "2. <b>Борис</b> — исполнитель, активен",
        "3. <b>Вера</b> — сотрудник, заблокирован",
        "4. <b>Завхоз</b> — администратор, активен",
    ]
    assert boss.buttons() == [
        "Анна",
        "🛠 Борис",
        "⛔ Вера",
        "🔑 Завхоз",
        "⏳ Ждут подтверждения: 0",
    ]


async def test_a_long_list_is_paged(world: World) -> None:
    boss = await admin_of(world)
    for n in range(PAGE_SIZE + 2):
        await newcomer(world, 200 + n, f"Сотрудник {n:02d}")

    await boss.send(USERS)
    assert "· 11 человек" in boss.last.text
    assert "Страница 1 из 2" in boss.last.text
    assert len([b for b in boss.buttons() if b.startswith("Сотрудник")]) == PAGE_SIZE
    assert "◀️ Назад" not in boss.buttons()

    await boss.press("Вперёд")
    assert "Страница 2 из 2" in boss.last.text
    assert "9. <b>Сотрудник 08</b>" in boss.last.text
    assert "11. <b>Завхоз</b>" in boss.last.text
    assert "Вперёд ▶️" not in boss.buttons()

    await boss.press("◀️ Назад")
    assert "1. <b>Сотрудник 00</b>" in boss.last.text
    assert len(boss.screens) == 2, "paging edits the list in place"


@pytest.mark.parametrize("registration", [RegistrationMode.APPROVAL])
async def test_the_pending_filter_shows_only_those_who_wait(
    world: World, db: MemoryDatabase
) -> None:
    boss = await admin_of(world)
    await newcomer(world, 101, "Анна")
    await newcomer(world, 102, "Борис")
    await newcomer(world, 103, "Вера")
    db.users[UserId(103)].state = UserState.ACTIVE

    await boss.send(USERS)
    await boss.press("Ждут подтверждения: 2")

    assert boss.last.text.splitlines() == [
        "<b>⏳ Ждут подтверждения</b> · 2 человека",
        "1. <b>Анна</b> — сотрудник, ждёт подтверждения",
        "2. <b>Борис</b> — сотрудник, ждёт подтверждения",
    ]
    await boss.press("Борис")
    await boss.press("Подтвердить")
    await boss.press("К списку")
    assert boss.last.text.splitlines()[1:] == ["1. <b>Анна</b> — сотрудник, ждёт подтверждения"]
    await boss.press("Анна")
    await boss.press("Отклонить")
    await boss.press("К списку")
    assert boss.last.text == "Никто не ждёт подтверждения."
    await boss.press("Все пользователи")
    assert "· 4 человека" in boss.last.text


@pytest.mark.parametrize(
    ("role", "state", "button", "alert", "new_role", "new_state", "offered"),
    [
        pytest.param(
            Role.STAFF, UserState.PENDING, "Подтвердить", "Регистрация подтверждена.",
            Role.STAFF, UserState.ACTIVE, ["⬆️ Сделать исполнителем", "⛔ Заблокировать"],
            id="approve",
        ),
        pytest.param(
            Role.STAFF, UserState.PENDING, "Отклонить", "Регистрация отклонена.",
            Role.STAFF, UserState.BLOCKED, ["🔓 Разблокировать"],
            id="decline",
        ),
        pytest.param(
            Role.STAFF, UserState.ACTIVE, "Сделать исполнителем", "Теперь роль: исполнитель.",
            Role.EXECUTOR, UserState.ACTIVE,
            ["⬆️ Сделать администратором", "⬇️ Сделать сотрудником", "⛔ Заблокировать"],
            id="promote-to-executor",
        ),
        pytest.param(
            Role.EXECUTOR, UserState.ACTIVE, "Сделать администратором",
            "Теперь роль: администратор.", Role.ADMIN, UserState.ACTIVE,
            ["⬇️ Сделать исполнителем", "⛔ Заблокировать"],
            id="promote-to-admin",
        ),
        pytest.param(
            Role.EXECUTOR, UserState.ACTIVE, "Сделать сотрудником", "Теперь роль: сотрудник.",
            Role.STAFF, UserState.ACTIVE, ["⬆️ Сделать исполнителем", "⛔ Заблокировать"],
            id="demote-to-staff",
        ),
        pytest.param(
            Role.ADMIN, UserState.ACTIVE, "Сделать исполнителем", "Теперь роль: исполнитель.",
            Role.EXECUTOR, UserState.ACTIVE,
            ["⬆️ Сделать администратором", "⬇️ Сделать сотрудником", "⛔ Заблокировать"],
            id="demote-an-admin",
        ),
        pytest.param(
            Role.EXECUTOR, UserState.ACTIVE, "Заблокировать", "Доступ закрыт.",
            Role.EXECUTOR, UserState.BLOCKED, ["🔓 Разблокировать"],
            id="block",
        ),
        pytest.param(
            Role.STAFF, UserState.BLOCKED, "Разблокировать", "Доступ снова открыт.",
            Role.STAFF, UserState.ACTIVE, ["⬆️ Сделать исполнителем", "⛔ Заблокировать"],
            id="unblock",
        ),
    ],
)  # fmt: skip
async def test_each_change_is_made_and_the_card_redrawn(
    world: World,
    db: MemoryDatabase,
    role: Role,
    state: UserState,
    button: str,
    alert: str,
    new_role: Role,
    new_state: UserState,
    offered: list[str],
) -> None:
    boss = await admin_of(world)
    await newcomer(world, 101, "Анна")
    anna = db.users[UserId(101)]
    anna.role, anna.state = role, state

    await boss.send(USERS)
    await boss.press("Анна")
    card = boss.last
    assert await boss.press(button) == alert

    assert (db.users[UserId(101)].role, db.users[UserId(101)].state) == (new_role, new_state)
    assert boss.last is card, "the card is redrawn in place"
    words = {Role.STAFF: "сотрудник", Role.EXECUTOR: "исполнитель", Role.ADMIN: "администратор"}
    states = {UserState.ACTIVE: "активен", UserState.BLOCKED: "заблокирован"}
    assert f"Роль: {words[new_role]}" in card.text
    assert f"Состояние: {states[new_state]}" in card.text
    assert boss.buttons() == [*offered, "◀️ К списку"]


async def test_the_card_says_who_the_person_is(world: World, db: MemoryDatabase) -> None:
    boss = await admin_of(world)
    await newcomer(world, 101, "Анна", username="anna")
    db.users[UserId(101)].reachable = False
    await boss.send(USERS)
    await boss.press("Анна")
    assert boss.last.text.splitlines() == [
        "👤 <b>Анна</b>",
        "@anna",
        "Telegram ID: <code>101</code>",
        "Роль: сотрудник",
        "Состояние: активен",
        "⚠️ Не получает сообщения бота (заблокировал(а) бота или удалил(а) чат).",
    ]
    await boss.press("К списку")
    assert boss.last.text.startswith("<b>👥 Пользователи</b>")


@pytest.mark.parametrize(
    ("button", "alert"),
    [
        ("Сделать исполнителем", "Нельзя: это последний администратор."),
        ("Заблокировать", "Нельзя сделать это с самим собой."),
    ],
)
async def test_the_last_admin_cannot_demote_or_block_themselves(
    world: World, db: MemoryDatabase, button: str, alert: str
) -> None:
    boss = await admin_of(world)
    await boss.send(USERS)
    await boss.press("Завхоз")
    assert "Это вы." in boss.last.text
    card_before = boss.last.text

    assert await boss.press(button) == alert

    me = db.users[UserId(ADMIN_ID)]
    assert (me.role, me.state) == (Role.ADMIN, UserState.ACTIVE)
    assert boss.last.text == card_before


async def test_a_second_admin_may_be_demoted_but_not_the_last(
    world: World, db: MemoryDatabase
) -> None:
    boss = await admin_of(world)
    await newcomer(world, 101, "Анна")
    db.users[UserId(101)].role = Role.ADMIN
    await boss.send(USERS)
    await boss.press("Завхоз")
    assert await boss.press("Сделать исполнителем") == "Теперь роль: исполнитель."
    # Now Анна is the only admin, and Завхоз may no longer manage people.
    assert await boss.press("Сделать администратором") == "Это может только администратор."
    assert db.users[UserId(ADMIN_ID)].role is Role.EXECUTOR


async def test_staff_are_refused_by_the_core_and_nothing_changes(
    world: World, db: MemoryDatabase
) -> None:
    await admin_of(world)
    mallory = await newcomer(world, 102, "Мэллори")
    await newcomer(world, 101, "Анна")
    assert USERS not in mallory.menu()

    await mallory.send(USERS)
    assert mallory.last.text == "Это может только администратор."

    for data in ("u:101:open:0", "u:101:block:0", "u:102:promote:0", f"u:{ADMIN_ID}:demote:0"):
        assert await mallory.press_data(data) == "Это может только администратор."
    assert await mallory.press_data("ul:0:p") == "Это может только администратор."
    roles = {uid: (u.role, u.state) for uid, u in db.users.items()}
    assert roles == {
        UserId(ADMIN_ID): (Role.ADMIN, UserState.ACTIVE),
        UserId(101): (Role.STAFF, UserState.ACTIVE),
        UserId(102): (Role.STAFF, UserState.ACTIVE),
    }


async def test_an_unknown_person_is_reported(world: World) -> None:
    boss = await admin_of(world)
    assert await boss.press_data("u:555:open:0") == "Такого пользователя нет."
    assert await boss.press_data("u:555:block:0") == "Такого пользователя нет."


async def test_names_are_shown_literally(world: World) -> None:
    boss = await admin_of(world)
    await newcomer(world, 101, "<b>x</b> & <script>\"'")
    await boss.send(USERS)
    assert "<b>&lt;b&gt;x&lt;/b&gt; &amp; &lt;script&gt;\"'</b>" in boss.last.text
    await boss.press("<b>x</b>")
    assert "👤 <b>&lt;b&gt;x&lt;/b&gt; &amp; &lt;script&gt;\"'</b>" in boss.last.text


async def test_an_english_admin_sees_english(world: World) -> None:
    boss = await admin_of(world, language="en")
    await newcomer(world, 101, "Anna")
    await boss.send("👥 Users")
    assert boss.last.text.splitlines() == [
        "<b>👥 Users</b> · 2 people",
        "1. <b>Anna</b> — staff, active",
        "2. <b>Завхоз</b> — administrator, active",
    ]
    await boss.press("Anna")
    assert await boss.press("Make a technician") == "Role now: technician."


async def test_a_role_change_updates_the_persons_commands(world: World) -> None:
    boss = await admin_of(world)
    await newcomer(world, 101, "Анна")
    await boss.send(USERS)
    await boss.press("Анна")

    await boss.press("Сделать исполнителем")
    chat_lists = [
        call
        for call in world.session.calls
        if isinstance(call, SetMyCommands)
        and isinstance(call.scope, BotCommandScopeChat)
        and call.scope.chat_id == 101
    ]
    assert {call.language_code for call in chat_lists} == {None, "en"}
    assert all("queue" in [c.command for c in call.commands] for call in chat_lists)

    await boss.press("Сделать сотрудником")
    removed = [c for c in world.session.calls if isinstance(c, DeleteMyCommands)]
    assert [(c.scope.chat_id, c.language_code) for c in removed] == [(101, None), (101, "en")]  # type: ignore[union-attr]


@pytest.mark.parametrize("registration", [RegistrationMode.APPROVAL])
async def test_approval_mode_end_to_end(world: World, db: MemoryDatabase) -> None:
    boss = await admin_of(world)
    anna = await newcomer(world, 101, "Анна")
    assert anna.last.text.startswith("Ваша регистрация ждёт подтверждения")
    assert anna.menu() == []
    await anna.send("📝 Новая заявка")
    assert anna.last.text.startswith("Ваша регистрация ждёт подтверждения")
    assert [(m.recipient, m.template) for m in db.outbox] == [
        (UserId(ADMIN_ID), "registration_pending")
    ]

    await boss.send(USERS)
    await boss.press("Ждут подтверждения: 1")
    await boss.press("Анна")
    assert "Состояние: ждёт подтверждения" in boss.last.text
    assert await boss.press("Подтвердить") == "Регистрация подтверждена."
    assert "Состояние: активен" in boss.last.text
    assert db.users[UserId(101)].state is UserState.ACTIVE
    assert (db.outbox[-1].recipient, db.outbox[-1].template) == (
        UserId(101),
        "registration_approved",
    )

    await anna.send("/start")
    assert anna.last.text.startswith("Здравствуйте, Анна!")
    assert anna.menu() == ["📝 Новая заявка", "📋 Мои заявки", "ℹ️ Помощь"]


async def test_a_blocked_person_end_to_end(world: World, db: MemoryDatabase) -> None:
    boss = await admin_of(world)
    anna = await newcomer(world, 101, "Анна")
    await boss.send(USERS)
    await boss.press("Анна")
    assert await boss.press("Заблокировать") == "Доступ закрыт."

    seen = len(anna.screens)
    await anna.send("/start")
    await anna.send("📋 Мои заявки")
    assert anna.texts[seen:] == [BLOCKED_TEXT], "once, not once per message"
    assert isinstance(anna.last.markup, ReplyKeyboardRemove)
    assert await anna.press_data("w:draft:drop") == BLOCKED_TEXT
    assert db.users[UserId(101)].state is UserState.BLOCKED

    assert await boss.press("Разблокировать") == "Доступ снова открыт."
    await anna.send("/start")
    assert anna.last.text.startswith("Здравствуйте, Анна!")
    assert anna.menu()


async def test_a_page_that_no_longer_exists_shows_the_last_one(world: World) -> None:
    boss = await admin_of(world)
    await newcomer(world, 101, "Анна")
    await boss.send(USERS)
    await boss.press_data("ul:3:", boss.last.message_id)
    assert boss.last.text.splitlines()[1:] == [
        "1. <b>Анна</b> — сотрудник, активен",
        "2. <b>Завхоз</b> — администратор, активен",
    ]


async def test_pressing_a_button_that_changes_nothing_sends_no_edit(world: World) -> None:
    """Telegram would refuse the edit ("message is not modified"): it is not sent at all."""
    boss = await admin_of(world)
    await boss.send(USERS)
    listed = boss.last.text
    assert await boss.press_data("ul:0:", boss.last.message_id) is None
    assert boss.last.text == listed
    assert not any(isinstance(call, EditMessageText) for call in world.session.calls)
    assert "Не получилось" not in " ".join(boss.texts)


async def test_a_button_on_a_message_out_of_reach_answers_with_a_new_message(
    world: World,
) -> None:
    boss = await admin_of(world)
    await newcomer(world, 101, "Анна")
    old = InaccessibleMessage(chat=boss.chat, message_id=1)
    query = CallbackQuery(
        id="old", from_user=boss.user, chat_instance="ci", message=old, data="u:101:open:0"
    )
    await world.feed(callback_query=query)
    assert boss.last.text.startswith("👤 <b>Анна</b>")
    assert "old" in world.session.answered
