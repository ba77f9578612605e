"""«👥 Пользователи» (admins): the list with role and state, a person's card and the changes.

Who may see and change people is the core's decision: the list and every change go through a use
case or query that refuses anyone but an active admin, and refusals (the last admin, oneself)
become alerts by themselves (middlewares/handler.py).
"""

from collections.abc import Awaitable, Callable

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from zavhoz.adapters.telegram.callbacks import UserCb
from zavhoz.adapters.telegram.commands import update_chat_commands
from zavhoz.adapters.telegram.handlers._screen import replace
from zavhoz.adapters.telegram.i18n import Html, Texts
from zavhoz.adapters.telegram.keyboards.users import (
    PAGE_SIZE,
    PENDING,
    UsersPageCb,
    display_name,
    list_keyboard,
    person_keyboard,
)
from zavhoz.adapters.telegram.menu_filter import MenuButton
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.views import words
from zavhoz.application.paging import Page, PageRequest
from zavhoz.application.use_cases._user_change import UserCommand
from zavhoz.domain.ids import UserId
from zavhoz.domain.users import User, UserState

Change = Callable[[UserCommand], Awaitable[User]]
CHANGES = ("approve", "decline", "promote", "demote", "block", "unblock")
ROLE_CHANGES = ("promote", "demote")


async def show_list(message: Message, user: User, t: Texts, services: Services) -> None:
    text, markup = await _list_screen(services, user, t, page=0, pending=False)
    await message.answer(text, reply_markup=markup)


async def turn_page(
    query: CallbackQuery,
    callback_data: UsersPageCb,
    user: User,
    t: Texts,
    services: Services,
    bot: Bot,
) -> None:
    pending = callback_data.flt == PENDING
    text, markup = await _list_screen(services, user, t, callback_data.page, pending)
    await replace(query, bot, text, markup)


async def open_person(
    query: CallbackQuery,
    callback_data: UserCb,
    user: User,
    t: Texts,
    services: Services,
    bot: Bot,
) -> None:
    person = await services.person(user.id, UserId(callback_data.id))
    markup = person_keyboard(person, callback_data.page, t)
    await replace(query, bot, person_text(person, user.id, t), markup)


async def change_person(
    query: CallbackQuery,
    callback_data: UserCb,
    user: User,
    t: Texts,
    services: Services,
    bot: Bot,
    callback_answer: CallbackAnswer,
) -> None:
    changes: dict[str, Change] = {
        "approve": services.approve_user,
        "decline": services.decline_user,
        "promote": services.promote_user,
        "demote": services.demote_user,
        "block": services.block_user,
        "unblock": services.unblock_user,
    }
    command = UserCommand(actor_id=user.id, user_id=UserId(callback_data.id))
    person = await changes[callback_data.action](command)
    if callback_data.action in ROLE_CHANGES:
        await update_chat_commands(bot, person)
    callback_answer.text = t(f"users.done.{callback_data.action}", role=words.role(t, person.role))
    markup = person_keyboard(person, callback_data.page, t)
    await replace(query, bot, person_text(person, user.id, t), markup)


def person_text(person: User, viewer_id: UserId, t: Texts) -> str:
    lines = [t("users.card.title", name=display_name(t, person))]
    if person.username:
        lines.append(t("users.card.username", username=person.username))
    lines += [
        t("users.card.id", id=person.id),
        t("users.card.role", role=words.role(t, person.role)),
        t("users.card.state", state=_state(t, person.state)),
    ]
    if person.id == viewer_id:
        lines.append(t("users.card.you"))
    if not person.reachable:
        lines.append(t("users.card.unreachable"))
    return "\n".join(lines)


async def _list_screen(
    services: Services, viewer: User, t: Texts, page: int, pending: bool
) -> tuple[str, InlineKeyboardMarkup]:
    state = UserState.PENDING if pending else None
    people = await _page(services, viewer, page, state)
    if not people.items and people.total:
        # The list got shorter since the button was drawn: show its last page instead.
        people = await _page(services, viewer, (people.total - 1) // PAGE_SIZE, state)
    waiting = people if pending else await _page(services, viewer, 0, UserState.PENDING)
    return _list_text(people, pending, t), list_keyboard(people, pending, waiting.total, t)


async def _page(services: Services, viewer: User, page: int, state: UserState | None) -> Page[User]:
    window = PageRequest(offset=max(page, 0) * PAGE_SIZE, limit=PAGE_SIZE)
    return await services.users(viewer.id, window, state)


def _list_text(people: Page[User], pending: bool, t: Texts) -> str:
    kind = "pending" if pending else "all"
    if not people.items:
        return t(f"users.empty.{kind}")
    lines = [t(f"users.title.{kind}", n=people.total)]
    for number, person in enumerate(people.items, start=people.offset + 1):
        username = t("users.line_username", username=person.username) if person.username else ""
        lines.append(
            t(
                "users.line",
                number=number,
                name=display_name(t, person),
                username=Html(username),
                role=words.role(t, person.role),
                state=_state(t, person.state),
            )
        )
    pages = -(-people.total // PAGE_SIZE)
    if pages > 1:
        lines += ["", t("users.page", page=people.offset // PAGE_SIZE + 1, pages=pages)]
    return "\n".join(lines)


def _state(t: Texts, state: UserState) -> str:
    return t(f"user_state.{state.value}")


def router() -> Router:
    routes = Router(name="users")
    routes.message.register(show_list, MenuButton("users"))
    routes.callback_query.register(turn_page, UsersPageCb.filter())
    routes.callback_query.register(open_person, UserCb.filter(F.action == "open"))
    routes.callback_query.register(change_person, UserCb.filter(F.action.in_(CHANGES)))
    return routes
