"""A room's QR code (``/start r_<org>_<code>``, or ``room_<code>``, see ``room_links``):
«Уже сообщили?», then the same problem or a new.

A room of another of the person's organizations makes it their current one first; a room of
an organization they are not in offers to join it.
"""

import attrs
from aiogram.filters import CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from zavhoz.adapters.telegram.callbacks import WizardCb
from zavhoz.adapters.telegram.handlers.wizard.flow import begin, offer_draft
from zavhoz.adapters.telegram.handlers.wizard.turn import Turn
from zavhoz.adapters.telegram.keyboards.menu import main_menu
from zavhoz.adapters.telegram.keyboards.orgs import join_keyboard
from zavhoz.adapters.telegram.keyboards.room_hint import room_hint_keyboard
from zavhoz.adapters.telegram.room_links import RoomLink, parse_room_link
from zavhoz.adapters.telegram.views.numbers import spoken
from zavhoz.adapters.telegram.views.room_hint import newest, room_hint
from zavhoz.adapters.telegram.views.words import role
from zavhoz.application.use_cases.join_by_room import JoinByRoomCommand
from zavhoz.application.use_cases.switch_organization import SwitchOrganizationCommand
from zavhoz.application.use_cases.watch_request import WatchRequestCommand
from zavhoz.domain.errors import ValidationFailed
from zavhoz.domain.ids import OrgId, RequestId, RoomCode
from zavhoz.domain.organizations import Membership
from zavhoz.domain.rooms import Room, room_code
from zavhoz.domain.users import UserState


async def room_link(message: Message, command: CommandObject, turn: Turn) -> None:
    raw = command.args or ""
    if turn.step():
        link = parse_room_link(raw)
        await offer_draft(turn, WizardCb(step="room", value=raw if link else ""))
        return
    await open_link(turn, raw)


async def open_link(turn: Turn, raw: str) -> None:
    """The room a link names, from the organization it belongs to."""
    link = parse_room_link(raw)
    org = None if link is None else link.organization
    if link is None or org is None or org == turn.user.organization:
        await open_room(turn, link.code if link else "")
    elif await _moved_to(turn, org):
        await open_room(turn, link.code)
    else:
        await _offer_to_join(turn, org, link)


async def _moved_to(turn: Turn, org: OrgId) -> bool:
    """Where the person is an active member, the room's organization becomes their current."""
    mine = await turn.services.my_organizations(turn.user.id)
    if all(each.id != org for each, _ in mine):
        return False
    command = SwitchOrganizationCommand(person=turn.user.id, organization=org)
    turn.user = await turn.services.switch(command)
    name = next(each.name for each, _ in mine if each.id == org)
    await turn.say(turn.t("orgs.switched", name=name, role=role(turn.t, turn.user.role)))
    return True


async def _offer_to_join(turn: Turn, org: OrgId, link: RoomLink) -> None:
    found = await turn.services.room_at(org, link.code)
    if found is None:
        await turn.say(turn.t("wizard.room.unknown"))
        await begin(turn)
        return
    name, room = found.organization.name, found.room.name
    button = WizardCb(step="join", value=link.parameter())
    await turn.say(
        turn.t("orgs.room_elsewhere", room=room, name=name), join_keyboard(turn.t, name, button)
    )


async def join_room(
    query: CallbackQuery, callback_data: WizardCb, turn: Turn, callback_answer: CallbackAnswer
) -> None:
    """«Вступить»: the person joins the room's organization as staff, then reports there."""
    link = parse_room_link(callback_data.value)
    if link is None or link.organization is None:
        callback_answer.text = turn.t("common.stale_button")
        return
    command = JoinByRoomCommand(person=turn.user.id, organization=link.organization, room=link.code)
    membership = await turn.services.join_by_room(command)
    if membership.state is UserState.ACTIVE:
        await _joined(turn, membership)
        await open_room(turn, link.code)
    else:
        await turn.edit(turn.t("join.pending", name=await _name(turn, membership.organization)))


async def _joined(turn: Turn, membership: Membership) -> None:
    """The person acts in the organization they joined from now on."""
    name = await _name(turn, membership.organization)
    turn.user = attrs.evolve(turn.user, organization=membership.organization, role=membership.role)
    await turn.edit(turn.t("join.joined", name=name, role=role(turn.t, membership.role)))


async def _name(turn: Turn, org: OrgId) -> str:
    return (await turn.services.organization_names([org])).get(org, "")


async def open_room(turn: Turn, raw: str) -> None:
    """The room's open requests first; with none, the wizard with the room filled in."""
    room = await _find_room(turn, raw)
    if room is None:
        await turn.say(turn.t("wizard.room.unknown"))
        await begin(turn)
        return
    active = await turn.services.open_in_room(room)
    if not active:
        await begin(turn, room)
        return
    markup = room_hint_keyboard(turn.t, newest(active), room.code)
    await turn.say(room_hint(turn.t, room.name, active), markup)


async def same_problem(
    query: CallbackQuery, callback_data: WizardCb, turn: Turn, callback_answer: CallbackAnswer
) -> None:
    """«Это та же проблема — сообщить мне»: the person watches that request."""
    if not callback_data.value.isdigit():
        callback_answer.text = turn.t("common.stale_button")
        return
    request_id = RequestId(int(callback_data.value))
    request = await turn.services.watch(
        WatchRequestCommand(actor_id=turn.user.id, request_id=request_id)
    )
    await turn.edit()
    await turn.say(
        turn.t("wizard.room.watching", number=spoken(request)), main_menu(turn.user, turn.t)
    )


async def new_problem(query: CallbackQuery, callback_data: WizardCb, turn: Turn) -> None:
    """«Новая проблема»: the wizard with the room filled in."""
    if turn.step():
        await offer_draft(turn, WizardCb(step="room", value=callback_data.value))
        return
    await turn.edit()
    room = await _find_room(turn, callback_data.value)
    if room is None:
        await turn.say(turn.t("wizard.room.unknown"))
    await begin(turn, room)


def valid_code(raw: str) -> RoomCode | None:
    try:
        return room_code(raw)
    except ValidationFailed:
        return None


async def _find_room(turn: Turn, raw: str) -> Room | None:
    code = valid_code(raw)
    return None if code is None else await turn.services.room(turn.user.id, code)
