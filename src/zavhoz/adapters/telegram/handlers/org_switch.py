"""Switching organizations: a member of several sees where they are and picks another."""

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from zavhoz.adapters.telegram.callbacks import OrgCb
from zavhoz.adapters.telegram.handlers._screen import chat_of, replace
from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.keyboards.menu import main_menu
from zavhoz.adapters.telegram.keyboards.orgs import choice_keyboard, switch_keyboard
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.views.words import role
from zavhoz.application.use_cases.switch_organization import SwitchOrganizationCommand
from zavhoz.domain.ids import OrgId
from zavhoz.domain.users import User


async def offer_switch(message: Message, user: User, t: Texts, services: Services) -> None:
    """Where the person is now, with a button to switch: only for members of several."""
    mine = await services.my_organizations(user.id)
    current = next((org for org, _ in mine if org.id == user.organization), None)
    if len(mine) < 2 or current is None:
        return
    here = t("orgs.current", name=current.name, role=role(t, user.role))
    await message.answer(here, reply_markup=switch_keyboard(t, current.name))


async def list_organizations(
    query: CallbackQuery, user: User, t: Texts, services: Services, bot: Bot
) -> None:
    mine = await services.my_organizations(user.id)
    await replace(query, bot, t("orgs.choose"), choice_keyboard(t, mine, user.organization))


async def switch_to(
    query: CallbackQuery,
    callback_data: OrgCb,
    user: User,
    t: Texts,
    services: Services,
    bot: Bot,
    callback_answer: CallbackAnswer,
) -> None:
    """The core refuses an organization where the person is no active member (a forged press)."""
    if callback_data.id == user.organization:
        callback_answer.text = t("orgs.already_here")
        return
    command = SwitchOrganizationCommand(person=user.id, organization=OrgId(callback_data.id))
    now = await services.switch(command)
    name = (await services.organization_names([now.organization])).get(now.organization, "")
    await replace(query, bot, t("orgs.switched", name=name, role=role(t, now.role)), None)
    await bot.send_message(
        chat_of(query), t("start.greeting", name=now.name), reply_markup=main_menu(now, t)
    )


def router() -> Router:
    routes = Router(name="org_switch")
    routes.callback_query.register(list_organizations, OrgCb.filter(F.action == "list"))
    routes.callback_query.register(switch_to, OrgCb.filter(F.action == "to"))
    return routes
