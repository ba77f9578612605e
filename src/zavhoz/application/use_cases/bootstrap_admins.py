from zavhoz.application.ports import UnitOfWork
from zavhoz.application.transaction import in_transaction
from zavhoz.application.use_cases._service import Service
from zavhoz.domain.users import Role, User, UserState


class BootstrapAdmins(Service):
    """Make everyone in ``ZAVHOZ_ADMIN_IDS`` an active admin; safe to run on every start."""

    async def __call__(self) -> list[User]:
        return await in_transaction(self._uow_factory, self._bootstrap)

    async def _bootstrap(self, uow: UnitOfWork) -> list[User]:
        admins = []
        for user_id in sorted(self._settings.admin_ids):
            user = await uow.users.get(user_id)
            if user is None:
                user = User(id=user_id, created_at=self._clock.now())
                await uow.users.add(user)
            user.role, user.state = Role.ADMIN, UserState.ACTIVE
            await uow.users.save(user)
            admins.append(user)
        return admins
