"""How far a person's memberships reach, and the check every organization action makes."""

from zavhoz.application.ports import UnitOfWork
from zavhoz.domain.errors import NotFound, NotPermitted
from zavhoz.domain.ids import OrgId, UserId
from zavhoz.domain.organizations import Organization, OrgTree, Reach
from zavhoz.domain.users import Role


async def tree_of(uow: UnitOfWork) -> OrgTree:
    return await uow.organizations.tree()


async def reach_of(uow: UnitOfWork, person: UserId) -> Reach:
    """The roles ``person`` holds in each organization, through their active memberships."""
    return Reach.of(await uow.memberships.of_person(person), await tree_of(uow))


async def check_admin(
    uow: UnitOfWork, actor_id: UserId | None, orgs: tuple[OrgId, ...], action: str
) -> None:
    """The operator (``None``) may do anything; a person must administer every one of ``orgs``
    (none given: a change at the top of the tree, above every person's reach)."""
    if actor_id is None:
        return
    reach = await reach_of(uow, actor_id)
    if not orgs or any(reach.role_at(org) is not Role.ADMIN for org in orgs):
        raise NotPermitted(action, "admins_only")


async def load_org(uow: UnitOfWork, key: OrgId | str) -> Organization:
    """An organization by its id or by its slug."""
    found = await (
        uow.organizations.by_slug(key) if isinstance(key, str) else uow.organizations.get(key)
    )
    if found is None:
        raise NotFound("organization", str(key))
    return found
