"""The organizations an admin's reports cover: statistics, the export and the list of people."""

import attrs

from zavhoz.application.ports import UnitOfWork
from zavhoz.application.queries._viewer import load_viewer
from zavhoz.application.reach import reach_of, tree_of
from zavhoz.domain.errors import NotFound, NotPermitted
from zavhoz.domain.ids import FIRST_ORG, OrgId, UserId
from zavhoz.domain.organizations import OrgTree
from zavhoz.domain.users import Role


@attrs.frozen
class Scope:
    organizations: frozenset[OrgId]
    home: OrgId
    """Whose calendar the report keeps to: the one asked for, or where the person is now."""

    @property
    def several(self) -> bool:
        """More than one school: each line then names its own."""
        return len(self.organizations) > 1


async def admin_scope(
    uow: UnitOfWork, actor_id: UserId | None, org: OrgId | None, action: str
) -> Scope:
    """A person: the organizations they administer from their current one, or of them ``org``
    and those below it; the operator (``None``): ``org`` and below, or every organization."""
    tree = await tree_of(uow)
    if actor_id is None:
        return _operators(tree, org)
    viewer = await load_viewer(uow, actor_id)
    reach = await reach_of(uow, actor_id)
    administered = tree.below(viewer.organization) & reach.where(Role.ADMIN)
    if not administered:
        raise NotPermitted(action, "admins_only")
    if org is None:
        return Scope(administered, viewer.organization)
    if org not in administered:
        raise NotFound("organization", str(org))
    return Scope(tree.below(org) & administered, org)


def _operators(tree: OrgTree, org: OrgId | None) -> Scope:
    if org is None:
        return Scope(frozenset(tree.parents), FIRST_ORG)
    if org not in tree.parents:
        raise NotFound("organization", str(org))
    return Scope(tree.below(org), org)
