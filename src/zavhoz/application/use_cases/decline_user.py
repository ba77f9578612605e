from zavhoz.application.ports import UnitOfWork
from zavhoz.application.use_cases._user_change import UserChange, UserCommand
from zavhoz.domain.users import User


class DeclineUser(UserChange):
    action = "decline"
    notice = "registration_declined"
    notice_when_inactive = True

    async def _apply(self, uow: UnitOfWork, user: User, command: UserCommand) -> None:
        user.decline()
