import attrs

from zavhoz.application.ports import UnitOfWork
from zavhoz.application.reach import check_admin
from zavhoz.application.transaction import in_transaction
from zavhoz.application.use_cases._service import Service
from zavhoz.domain.errors import NotFound
from zavhoz.domain.ids import UserId
from zavhoz.domain.organizations import Invite


@attrs.frozen(kw_only=True)
class RevokeInviteCommand:
    actor_id: UserId | None
    """An admin reaching the invite's organization, or ``None`` for the operator."""
    token: str


class RevokeInvite(Service):
    """The link stops working; memberships it made stay."""

    async def __call__(self, command: RevokeInviteCommand) -> Invite:
        return await in_transaction(self._uow_factory, lambda uow: self._run(uow, command))

    async def _run(self, uow: UnitOfWork, command: RevokeInviteCommand) -> Invite:
        invite = await uow.invites.get(command.token)
        if invite is None:
            raise NotFound("invite", command.token)
        await check_admin(uow, command.actor_id, (invite.organization,), "revoke_invite")
        invite.revoke()
        await uow.invites.save(invite)
        return invite
