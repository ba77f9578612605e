from zavhoz.application.ports import UnitOfWork
from zavhoz.application.use_cases._user_change import UserChange, UserCommand
from zavhoz.domain.users import User


class UnblockUser(UserChange):
    """The person hears their access is back, with the menu of their role."""

    action = "unblock"
    notice = "user_unblocked"

    async def _apply(self, uow: UnitOfWork, user: User, command: UserCommand) -> None:
        user.unblock()
