"""The admin's users screen: a paged list with a "pending approval" filter, and a person's card.

The list's place (page and filter) travels in ``UserCb.page`` so that «◀️ К списку» on a person's
card returns to the same page: ``position(page, pending)`` packs it, ``unpack`` reads it back.
"""

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from zavhoz.adapters.telegram.callbacks import Button, UserCb
from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.application.paging import Page
from zavhoz.domain.users import Role, User, UserState

PAGE_SIZE = 8
PER_ROW = 2
BUTTON_NAME = 30
PENDING = "p"


class UsersPageCb(Button, prefix="ul"):
    """A page of the users list; ``flt`` is ``""`` for everyone or ``"p"`` for pending approval."""

    page: int = 0
    flt: str = ""


def position(page: int, pending: bool) -> int:
    """The list's place in one int: pages of the whole list ≥ 0, of the pending list < 0."""
    return -page - 1 if pending else page


def unpack(value: int) -> tuple[int, bool]:
    return (-value - 1, True) if value < 0 else (value, False)


def display_name(t: Texts, person: User) -> str:
    """The name as typed in Telegram (plain text: escape it before putting it into HTML)."""
    return person.name or t("users.nameless", id=person.id)


def list_keyboard(
    people: Page[User], pending: bool, pending_total: int, t: Texts
) -> InlineKeyboardMarkup:
    page = people.offset // PAGE_SIZE
    here = position(page, pending)
    opens = [
        InlineKeyboardButton(
            text=_short(f"{_mark(person)}{display_name(t, person)}"),
            callback_data=UserCb(id=person.id, action="open", page=here).pack(),
        )
        for person in people.items
    ]
    rows = [opens[i : i + PER_ROW] for i in range(0, len(opens), PER_ROW)]
    flt = PENDING if pending else ""
    paging = []
    if people.has_previous:
        paging.append(_page_button(t("users.button.previous"), page - 1, flt))
    if people.has_next:
        paging.append(_page_button(t("users.button.next"), page + 1, flt))
    if paging:
        rows.append(paging)
    if pending:
        rows.append([_page_button(t("users.button.everyone"), 0, "")])
    else:
        rows.append([_page_button(t("users.button.pending", n=pending_total), 0, PENDING)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def person_keyboard(person: User, back: int, t: Texts) -> InlineKeyboardMarkup:
    """What an admin may try on this person now; the core still checks each one when pressed."""
    rows = [
        [_act(t(f"users.button.{action}.{person.role.value}"), person, action, back)]
        if action in ("promote", "demote")
        else [_act(t(f"users.button.{action}"), person, action, back)]
        for action in possible_actions(person)
    ]
    page, pending = unpack(back)
    rows.append([_page_button(t("users.button.back"), page, PENDING if pending else "")])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def possible_actions(person: User) -> list[str]:
    if person.state is UserState.PENDING:
        return ["approve", "decline"]
    if person.state is UserState.BLOCKED:
        return ["unblock"]
    actions = []
    if person.role is not Role.ADMIN:
        actions.append("promote")
    if person.role is not Role.STAFF:
        actions.append("demote")
    return [*actions, "block"]


def _act(text: str, person: User, action: str, back: int) -> InlineKeyboardButton:
    data = UserCb(id=person.id, action=action, page=back).pack()
    return InlineKeyboardButton(text=text, callback_data=data)


def _page_button(text: str, page: int, flt: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=UsersPageCb(page=page, flt=flt).pack())


def _mark(person: User) -> str:
    if person.state is UserState.PENDING:
        return "⏳ "
    if person.state is UserState.BLOCKED:
        return "⛔ "
    return {Role.ADMIN: "🔑 ", Role.EXECUTOR: "🛠 "}.get(person.role, "")


def _short(text: str) -> str:
    return text if len(text) <= BUTTON_NAME else text[: BUTTON_NAME - 1] + "…"
