from datetime import date, datetime, time

import attrs

from zavhoz.application.messages import OutboxMessage
from zavhoz.application.ports import DigestCounts, UnitOfWork
from zavhoz.application.reach import reach_of, tree_of
from zavhoz.application.recording import messages_to
from zavhoz.application.transaction import in_transaction
from zavhoz.application.use_cases._service import Service
from zavhoz.domain.events import PayloadValue
from zavhoz.domain.ids import OrgId, UserId
from zavhoz.domain.organizations import OrgTree
from zavhoz.domain.users import Role


class SendDailyDigest(Service):
    """Queue the morning digest for admins; on a non-working day, or a second time a day, nothing.

    It covers everything since the previous working day began, so Monday's includes the weekend.
    A digest with nothing to report (all four figures zero: a fresh install, a quiet spell) is
    not sent; its figures are still returned.

    The outbox skips a dedupe key it has seen, so a restart on the same day sends no second digest.
    """

    async def __call__(self) -> DigestCounts | None:
        now = self._clock.now()
        today = now.astimezone(self._settings.calendar.timezone).date()
        if not self._settings.calendar.is_working_day(today):
            return None
        return await in_transaction(self._uow_factory, lambda uow: self._queue(uow, today, now))

    async def _queue(self, uow: UnitOfWork, today: date, now: datetime) -> DigestCounts:
        """Each admin hears of what they administer; admins of the same schools share counts.
        The deployment's own figures are returned."""
        calendar = self._settings.calendar
        since = datetime.combine(calendar.previous_working_day(today), time(0), calendar.timezone)
        until = datetime.combine(today, time(0), calendar.timezone)
        tree = await tree_of(uow)
        for scope, admins in (await _admins_by_scope(uow, tree)).items():
            counts = await uow.queries.digest(since, until, now, scope)
            if any(attrs.astuple(counts)):
                await uow.outbox.add(_digest(admins, today, counts, now))
        return await uow.queries.digest(since, until, now, frozenset(tree.parents))


async def _admins_by_scope(uow: UnitOfWork, tree: OrgTree) -> dict[frozenset[OrgId], list[UserId]]:
    found: dict[frozenset[OrgId], list[UserId]] = {}
    for admin in await uow.users.with_role([Role.ADMIN], tree.parents):
        scope = (await reach_of(uow, admin.id)).where(Role.ADMIN)
        found.setdefault(scope, []).append(admin.id)
    return found


def _digest(
    admins: list[UserId], today: date, counts: DigestCounts, now: datetime
) -> list[OutboxMessage]:
    params: dict[str, PayloadValue] = {"date": today.isoformat(), **attrs.asdict(counts)}
    return messages_to(admins, "daily_digest", params, f"digest:{today}", now)
