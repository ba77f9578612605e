import attrs

from zavhoz.application.ports import UnitOfWork
from zavhoz.application.reach import check_admin, load_org, tree_of
from zavhoz.application.transaction import in_transaction
from zavhoz.application.use_cases._service import Service
from zavhoz.domain.ids import OrgId, UserId
from zavhoz.domain.organizations import Organization


@attrs.frozen(kw_only=True)
class MoveOrganizationCommand:
    actor_id: UserId | None
    """An admin of the organization and of its new parent; only the operator makes a root."""
    organization: OrgId | str
    parent: OrgId | str | None
    """The new organization above it, or ``None`` to stand alone."""


class MoveOrganization(Service):
    """Put an organization (with everything below it) under another one, or at the top."""

    async def __call__(self, command: MoveOrganizationCommand) -> Organization:
        return await in_transaction(self._uow_factory, lambda uow: self._run(uow, command))

    async def _run(self, uow: UnitOfWork, command: MoveOrganizationCommand) -> Organization:
        organization = await load_org(uow, command.organization)
        parent = None if command.parent is None else (await load_org(uow, command.parent)).id
        needed = () if parent is None else (organization.id, parent)
        await check_admin(uow, command.actor_id, needed, "move_organization")
        (await tree_of(uow)).check_parent(organization.id, parent)
        organization.parent = parent
        await uow.organizations.save(organization)
        return organization
