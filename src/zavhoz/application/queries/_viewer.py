from zavhoz.application.ports import UnitOfWork
from zavhoz.application.reach import reach_of, tree_of
from zavhoz.application.transaction import load_user
from zavhoz.domain.errors import NotPermitted
from zavhoz.domain.ids import OrgId, UserId
from zavhoz.domain.users import Role, User


async def load_viewer(uow: UnitOfWork, viewer_id: UserId, *, executors_only: bool = False) -> User:
    viewer = await load_user(uow, viewer_id)
    if not viewer.is_active:
        raise NotPermitted("view", f"user_is_{viewer.state.value}")
    if executors_only and not viewer.is_executor:
        raise NotPermitted("view", "executors_only")
    return viewer


async def work_scope(uow: UnitOfWork, viewer: User) -> frozenset[OrgId]:
    """The organizations whose requests the viewer works on from where they are now: their
    current one and those below it, wherever they are an executor or an admin."""
    below = (await tree_of(uow)).below(viewer.organization)
    return below & (await reach_of(uow, viewer.id)).where(Role.EXECUTOR, Role.ADMIN)
