import secrets
from datetime import timedelta

import attrs

from zavhoz.application.ports import UnitOfWork
from zavhoz.application.reach import check_admin, load_org
from zavhoz.application.transaction import in_transaction
from zavhoz.application.use_cases._service import Service
from zavhoz.domain.errors import ValidationFailed
from zavhoz.domain.ids import OrgId, UserId
from zavhoz.domain.organizations import Invite
from zavhoz.domain.users import Role

TOKEN_BYTES = 16
"""``secrets.token_urlsafe(16)``: 22 characters, well within a start parameter."""


@attrs.frozen(kw_only=True)
class CreateInviteCommand:
    actor_id: UserId | None
    """An admin reaching the organization, or ``None`` for the operator."""
    organization: OrgId | str
    role: Role = Role.STAFF
    expires_in: timedelta | None = None
    """How long the link works; ``None``: until it is revoked."""


class CreateInvite(Service):
    """A link that makes whoever opens it a member, in ``role``."""

    async def __call__(self, command: CreateInviteCommand) -> Invite:
        return await in_transaction(self._uow_factory, lambda uow: self._run(uow, command))

    async def _run(self, uow: UnitOfWork, command: CreateInviteCommand) -> Invite:
        organization = await load_org(uow, command.organization)
        await check_admin(uow, command.actor_id, (organization.id,), "create_invite")
        if command.expires_in is not None and command.expires_in <= timedelta(0):
            raise ValidationFailed("expires", "positive")
        now = self._clock.now()
        invite = Invite(
            token=secrets.token_urlsafe(TOKEN_BYTES),
            organization=organization.id,
            role=command.role,
            created_by=command.actor_id,
            created_at=now,
            expires_at=None if command.expires_in is None else now + command.expires_in,
        )
        await uow.invites.add(invite)
        return invite
