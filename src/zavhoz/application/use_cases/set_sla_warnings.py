"""An admin mutes or unmutes SLA warnings to themselves; breaches and escalations always come."""

import attrs

from zavhoz.application.ports import UnitOfWork
from zavhoz.application.transaction import in_transaction, load_user
from zavhoz.application.use_cases._service import Service
from zavhoz.domain.errors import NotPermitted
from zavhoz.domain.ids import UserId
from zavhoz.domain.users import User

ACTION = "mute_sla_warnings"


@attrs.frozen(kw_only=True)
class SetSlaWarningsCommand:
    actor_id: UserId
    muted: bool


class SetSlaWarnings(Service):
    """Only for oneself and only for active admins (ScanSla reads the flag of admins alone)."""

    async def __call__(self, command: SetSlaWarningsCommand) -> User:
        return await in_transaction(self._uow_factory, lambda uow: self._set(uow, command))

    async def _set(self, uow: UnitOfWork, command: SetSlaWarningsCommand) -> User:
        user = await load_user(uow, command.actor_id)
        if not (user.is_active and user.is_admin):
            raise NotPermitted(ACTION, "admins_only")
        if user.mute_sla_warnings != command.muted:
            user.mute_sla_warnings = command.muted
            await uow.users.save(user)
        return user
