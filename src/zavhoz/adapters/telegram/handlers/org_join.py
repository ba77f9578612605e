"""An invite link (``/start join_<token>``): the person joins, or waits for an admin, or is told
why the link lets nobody in."""

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import Message, ReplyKeyboardMarkup, ReplyKeyboardRemove

from zavhoz.adapters.telegram.handlers.start import greet
from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.keyboards.menu import main_menu
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.views.words import role
from zavhoz.application.use_cases.join_organization import START_PREFIX, JoinOrganizationCommand
from zavhoz.domain.errors import NotFound, NotPermitted
from zavhoz.domain.organizations import Membership
from zavhoz.domain.users import User, UserState

REFUSALS = {
    "invite_expired": "join.expired",
    "invite_revoked": "join.revoked",
    "user_is_blocked": "join.blocked",
}


async def join_link(
    message: Message, command: CommandObject, user: User, t: Texts, services: Services
) -> None:
    token = (command.args or "").removeprefix(START_PREFIX)
    try:
        membership = await services.join(JoinOrganizationCommand(person=user.id, token=token))
    except (NotFound, NotPermitted) as error:
        await message.answer(t(_refusal(error)), reply_markup=_menu(user, t))
        return
    await _joined(message, user, membership, t, services)


def _refusal(error: NotFound | NotPermitted) -> str:
    """Why the link lets nobody in: unknown (also a mistyped token), expired, revoked, blocked."""
    reason = error.reason if isinstance(error, NotPermitted) else ""
    return REFUSALS.get(reason, "join.unknown")


async def _joined(
    message: Message, before: User, membership: Membership, t: Texts, services: Services
) -> None:
    org = membership.organization
    name = (await services.organization_names([org])).get(org, "")
    if membership.state is UserState.PENDING:
        await message.answer(t("join.pending", name=name), reply_markup=_menu(before, t))
        return
    now = await services.get_user(before.id) or before
    was_here = before.organization == org and before.is_active
    key = "join.joined" if now.organization == org and not was_here else "join.member"
    await message.answer(t(key, name=name, role=role(t, membership.role)))
    await greet(message, now, t, services)


def _menu(user: User, t: Texts) -> ReplyKeyboardMarkup | ReplyKeyboardRemove:
    """The person's menu where they act now; none while they wait for approval."""
    return main_menu(user, t) if user.is_active else ReplyKeyboardRemove()


def router() -> Router:
    routes = Router(name="org_join")
    routes.message.register(
        join_link, CommandStart(deep_link=True, magic=F.args.startswith(START_PREFIX))
    )
    return routes
