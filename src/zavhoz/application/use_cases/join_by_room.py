import attrs

from zavhoz.application.ports import UnitOfWork
from zavhoz.application.transaction import in_transaction, load_user
from zavhoz.application.use_cases._org_service import OrgSettingsService
from zavhoz.application.use_cases.join_organization import approves, enter, kept
from zavhoz.domain.errors import NotFound
from zavhoz.domain.ids import OrgId, RoomCode, UserId
from zavhoz.domain.organizations import Membership
from zavhoz.domain.users import Role, UserState


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
            return kept(before)
        approval = await approves(uow, self._org_settings, command.organization)
        state = UserState.PENDING if approval else UserState.ACTIVE
        membership = Membership(
            person=user.id, organization=command.organization, role=Role.STAFF, state=state
        )
        await enter(uow, user, membership, self._clock.now())
        return membership
