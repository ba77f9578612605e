import attrs

from zavhoz.application.ports import UnitOfWork
from zavhoz.application.reach import check_admin, load_org
from zavhoz.application.transaction import in_transaction
from zavhoz.application.use_cases._service import Service
from zavhoz.domain.ids import OrgId, UserId
from zavhoz.domain.organizations import Organization


@attrs.frozen(kw_only=True)
class RenameOrganizationCommand:
    actor_id: UserId | None
    """An admin reaching the organization, or ``None`` for the operator."""
    organization: OrgId | str
    name: str


class RenameOrganization(Service):
    """A new name people see; the slug in links stays."""

    async def __call__(self, command: RenameOrganizationCommand) -> Organization:
        return await in_transaction(self._uow_factory, lambda uow: self._run(uow, command))

    async def _run(self, uow: UnitOfWork, command: RenameOrganizationCommand) -> Organization:
        organization = await load_org(uow, command.organization)
        await check_admin(uow, command.actor_id, (organization.id,), "rename_organization")
        organization.rename(command.name)
        await uow.organizations.save(organization)
        return organization
