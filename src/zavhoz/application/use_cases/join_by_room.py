import attrs

from zavhoz.application.org_settings import inherited_settings
from zavhoz.application.ports import UnitOfWork
from zavhoz.application.settings import RegistrationMode
from zavhoz.application.transaction import in_transaction, load_user
from zavhoz.application.use_cases._org_service import OrgSettingsService
from zavhoz.domain.errors import NotFound, NotPermitted
from zavhoz.domain.ids import OrgId, RoomCode, UserId
from zavhoz.domain.organizations import Membership
from zavhoz.domain.users import Role, User, UserState


@attrs.frozen(kw_only=True)
class JoinByRoomCommand:
    person: UserId
    organization: OrgId
    room: RoomCode
    """A room of ``organization``: its QR code is what lets the person in."""


class JoinByRoom(OrgSettingsService):
    """A room's QR code of an organization the person is not in: they join it as staff, as an
    invite to staff would let them (pending where it approves newcomers; an active member stays
    as they are, a blocked one is not let back in)."""

    async def __call__(self, command: JoinByRoomCommand) -> Membership:
        return await in_transaction(self._uow_factory, lambda uow: self._run(uow, command))

    async def _run(self, uow: UnitOfWork, command: JoinByRoomCommand) -> Membership:
        if await uow.rooms.get(command.organization, command.room) is None:
            raise NotFound("room", command.room)
        user = await load_user(uow, command.person)
        before = await uow.memberships.get(user.id, command.organization)
        if before is not None and before.state is not UserState.PENDING:
            return _kept(before)
        state = UserState.PENDING if await self._approval(uow, command) else UserState.ACTIVE
        membership = Membership(
            person=user.id, organization=command.organization, role=Role.STAFF, state=state
        )
        await uow.memberships.put(membership)
        if state is UserState.ACTIVE:
            await _act_in(uow, user, membership)
        return membership

    async def _approval(self, uow: UnitOfWork, command: JoinByRoomCommand) -> bool:
        merged = await inherited_settings(uow, command.organization)
        return self._org_settings.workflow(merged).registration is RegistrationMode.APPROVAL


def _kept(membership: Membership) -> Membership:
    if membership.state is UserState.BLOCKED:
        raise NotPermitted("join", "user_is_blocked")
    return membership


async def _act_in(uow: UnitOfWork, user: User, membership: Membership) -> None:
    """Make ``membership``'s organization the person's current one."""
    user.organization = membership.organization
    user.role, user.state = membership.role, membership.state
    await uow.users.save(user)
