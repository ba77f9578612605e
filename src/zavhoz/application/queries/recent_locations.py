from zavhoz.application.use_cases._service import Service
from zavhoz.domain.ids import UserId

RECENT = 6


class GetRecentLocations(Service):
    """The places the user reported most recently, for the wizard's first step."""

    async def __call__(self, user_id: UserId, limit: int = RECENT) -> list[str]:
        async with self._reading() as uow:
            return await uow.queries.recent_locations(user_id, limit)
