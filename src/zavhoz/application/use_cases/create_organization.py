import attrs

from zavhoz.application.ports import UnitOfWork
from zavhoz.application.reach import check_admin, load_org, tree_of
from zavhoz.application.transaction import in_transaction
from zavhoz.application.use_cases._service import Service
from zavhoz.domain.errors import AlreadyExists
from zavhoz.domain.ids import OrgId, UserId
from zavhoz.domain.organizations import UNSAVED_ORG, Organization


@attrs.frozen(kw_only=True)
class CreateOrganizationCommand:
    actor_id: UserId | None
    """An admin of ``parent``, or ``None`` for the operator (the only one who makes a root)."""
    slug: str
    name: str
    parent: OrgId | str | None = None
    """The organization above the new one, by id or slug."""


class CreateOrganization(Service):
    """A new school, district or network, empty and inheriting its parent's settings."""

    async def __call__(self, command: CreateOrganizationCommand) -> Organization:
        return await in_transaction(self._uow_factory, lambda uow: self._run(uow, command))

    async def _run(self, uow: UnitOfWork, command: CreateOrganizationCommand) -> Organization:
        parent = None if command.parent is None else (await load_org(uow, command.parent)).id
        above = () if parent is None else (parent,)
        await check_admin(uow, command.actor_id, above, "create_organization")
        (await tree_of(uow)).check_parent(UNSAVED_ORG, parent)
        organization = Organization(slug=command.slug, name=command.name, parent=parent)
        if await uow.organizations.by_slug(organization.slug) is not None:
            raise AlreadyExists("organization", organization.slug)
        await uow.organizations.add(organization)
        return organization
