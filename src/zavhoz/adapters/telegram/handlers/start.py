"""/start, /help, /cancel and the menu's help: the ways in and out of everything."""

from aiogram import Router
from aiogram.filters import Command, CommandStart, Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from zavhoz.adapters.telegram.callbacks import WizardCb
from zavhoz.adapters.telegram.handlers.org_switch import offer_switch
from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.keyboards.menu import main_menu
from zavhoz.adapters.telegram.menu_filter import MenuButton
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.states import NewRequest
from zavhoz.domain.users import User


async def start(
    message: Message, user: User, t: Texts, state: FSMContext, services: Services
) -> None:
    current = await state.get_state()
    if current in NewRequest.__all_states_names__:
        await message.answer(t("start.draft_left"), reply_markup=_draft_choice(t))
        return
    await state.clear()
    await greet(message, user, t, services)


async def greet(message: Message, user: User, t: Texts, services: Services) -> None:
    """The menu of the person's role, and where they are when they belong to several places."""
    await message.answer(t("start.greeting", name=user.name), reply_markup=main_menu(user, t))
    await offer_switch(message, user, t, services)


async def drop_draft(
    query: CallbackQuery, user: User, t: Texts, state: FSMContext, services: Services
) -> None:
    await state.clear()
    if isinstance(query.message, Message):
        await query.message.edit_text(t("start.draft_dropped"))
        await greet(query.message, user, t, services)


async def show_help(message: Message, user: User, t: Texts) -> None:
    parts = [t("help.staff")]
    if user.is_executor:
        parts.append(t("help.executor"))
    if user.is_admin:
        parts.append(t("help.admin"))
    await message.answer("\n".join(parts), reply_markup=main_menu(user, t))


async def cancel(message: Message, user: User, t: Texts, state: FSMContext) -> None:
    await state.clear()
    await message.answer(t("common.cancelled"), reply_markup=main_menu(user, t))


def _draft_choice(t: Texts) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("start.continue_draft"),
                    callback_data=WizardCb(step="draft", value="continue").pack(),
                ),
                InlineKeyboardButton(
                    text=t("start.drop_draft"),
                    callback_data=WizardCb(step="draft", value="drop").pack(),
                ),
            ]
        ]
    )


DEEP_LINKS = ("/start room_", "/start r_", "/start join_")
"""A room's QR code (the wizard's) and an invite link (``org_join``'s)."""


class NotDeepLink(Filter):
    """A plain ``/start``, not a room's QR code nor an invite link."""

    async def __call__(self, message: Message) -> bool:
        return not (message.text or "").startswith(DEEP_LINKS)


NotRoomLink = NotDeepLink
"""The name routing tests know it by."""


def router() -> Router:
    routes = Router(name="start")
    routes.message.register(start, CommandStart(), NotDeepLink())
    routes.message.register(show_help, Command("help"))
    routes.message.register(show_help, MenuButton("help"))
    routes.message.register(cancel, Command("cancel"))
    return routes
