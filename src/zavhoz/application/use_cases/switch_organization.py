import attrs

from zavhoz.application.ports import UnitOfWork
from zavhoz.application.transaction import in_transaction, load_user
from zavhoz.application.use_cases._service import Service
from zavhoz.domain.errors import NotPermitted
from zavhoz.domain.ids import OrgId, UserId
from zavhoz.domain.users import User, UserState


@attrs.frozen(kw_only=True)
class SwitchOrganizationCommand:
    person: UserId
    organization: OrgId


class SwitchOrganization(Service):
    """Where a member of several organizations acts now: their new requests go there."""

    async def __call__(self, command: SwitchOrganizationCommand) -> User:
        return await in_transaction(self._uow_factory, lambda uow: self._run(uow, command))

    async def _run(self, uow: UnitOfWork, command: SwitchOrganizationCommand) -> User:
        user = await load_user(uow, command.person)
        membership = await uow.memberships.get(user.id, command.organization)
        if membership is None or membership.state is not UserState.ACTIVE:
            raise NotPermitted("switch_organization", "not_a_member")
        user.organization = membership.organization
        user.role, user.state = membership.role, membership.state
        await uow.users.save(user)
        return user
