from zavhoz.application.ports import UnitOfWork
from zavhoz.application.use_cases._user_change import UserChange, UserCommand, ensure_not_last_admin
from zavhoz.domain.users import User


class DemoteUser(UserChange):
    action = "demote"
    notice = "role_changed"

    async def _apply(self, uow: UnitOfWork, user: User, command: UserCommand) -> None:
        await ensure_not_last_admin(uow, user, self.action)
        user.demote()
