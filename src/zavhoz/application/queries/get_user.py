from zavhoz.application.use_cases._service import Service
from zavhoz.domain.ids import UserId
from zavhoz.domain.users import User


class GetUser(Service):
    """A person by id, or ``None``: for names on cards and in messages."""

    async def __call__(self, user_id: UserId) -> User | None:
        async with self._reading() as uow:
            return await uow.users.get(user_id)
