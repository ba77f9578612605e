from datetime import date, datetime, time

import attrs

from zavhoz.application.ports import DigestCounts, UnitOfWork
from zavhoz.application.recording import messages_to
from zavhoz.application.transaction import in_transaction
from zavhoz.application.use_cases._service import Service
from zavhoz.domain.events import PayloadValue
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
        calendar = self._settings.calendar
        since = datetime.combine(calendar.previous_working_day(today), time(0), calendar.timezone)
        until = datetime.combine(today, time(0), calendar.timezone)
        counts = await uow.queries.digest(since, until, now)
        if not any(attrs.astuple(counts)):
            return counts
        admins = [admin.id for admin in await uow.users.with_role([Role.ADMIN])]
        params: dict[str, PayloadValue] = {"date": today.isoformat(), **attrs.asdict(counts)}
        await uow.outbox.add(messages_to(admins, "daily_digest", params, f"digest:{today}", now))
        return counts
