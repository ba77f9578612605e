from zavhoz.application.ports import UnitOfWork
from zavhoz.application.use_cases._user_change import UserChange, UserCommand, ensure_not_last_admin
from zavhoz.domain.errors import NotPermitted
from zavhoz.domain.users import User


class BlockUser(UserChange):
    action = "block"
    notice = None

    async def _apply(self, uow: UnitOfWork, user: User, command: UserCommand) -> None:
        if user.id == command.actor_id:
            raise NotPermitted(self.action, "self")
        await ensure_not_last_admin(uow, user, self.action)
        user.block()
