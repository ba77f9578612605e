from zavhoz.application.ports import UnitOfWork
from zavhoz.application.use_cases._user_change import UserChange, UserCommand
from zavhoz.domain.users import User


class PromoteUser(UserChange):
    action = "promote"
    notice = "role_changed"

    async def _apply(self, uow: UnitOfWork, user: User, command: UserCommand) -> None:
        user.promote()
