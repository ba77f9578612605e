"""A known week of requests, made through the real use cases with a fake clock, and its figures.

The week is Monday 12 – Sunday 18 January 2026 (Moscow; working hours Mon–Fri 08–18). Every
expected figure below is worked out by hand from the timeline in ``build_week``.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from zavhoz.adapters.clock import FakeClock
from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.statistics import (
    CategoryCount,
    DayCount,
    LocationCount,
    PerExecutor,
    Period,
    Statistics,
    StatusCount,
)
from zavhoz.application.use_cases._user_change import UserCommand
from zavhoz.application.use_cases.cancel_request import CancelRequest, CancelRequestCommand
from zavhoz.application.use_cases.complete_request import CompleteRequest, CompleteRequestCommand
from zavhoz.application.use_cases.create_request import CreateRequest, CreateRequestCommand
from zavhoz.application.use_cases.hold_request import HoldRequest, HoldRequestCommand
from zavhoz.application.use_cases.promote_user import PromoteUser
from zavhoz.application.use_cases.rate_request import RateRequest, RateRequestCommand
from zavhoz.application.use_cases.register_user import RegisterUser, RegisterUserCommand
from zavhoz.application.use_cases.reject_request import RejectRequest, RejectRequestCommand
from zavhoz.application.use_cases.take_request import TakeRequest, TakeRequestCommand
from zavhoz.domain.catalog import Category, Priority, Status
from zavhoz.domain.ids import RequestId, UserId

MOSCOW = ZoneInfo("Europe/Moscow")
ADMIN, STAFF, STAFF2, PETR, OLGA = 9001, 101, 102, 201, 202
SETTINGS = WorkflowSettings(admin_ids=frozenset({UserId(ADMIN)}))
WEEK = Period(date(2026, 1, 12), date(2026, 1, 18))
MONDAY_AFTER = Period(date(2026, 1, 19), date(2026, 1, 19))


def msk(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in January 2026, Moscow time (the 12th and the 19th are Mondays)."""
    return datetime(2026, 1, day, hour, minute, tzinfo=MOSCOW)


NOW = msk(19, 12)


class Office:
    """Everyone's actions through the real use cases, each at its own moment of the fake clock."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: FakeClock) -> None:
        self.uow_factory, self.clock = uow_factory, clock

    async def register(self, user_id: int, name: str) -> None:
        register = RegisterUser(self.uow_factory, self.clock, SETTINGS)
        await register(RegisterUserCommand(user_id=UserId(user_id), name=name, language="ru"))

    async def promote(self, user_id: int) -> None:
        promote = PromoteUser(self.uow_factory, self.clock, SETTINGS)
        await promote(UserCommand(actor_id=UserId(ADMIN), user_id=UserId(user_id)))

    async def create(
        self,
        when: datetime,
        author: int,
        location: str,
        category: Category,
        priority: Priority = Priority.MEDIUM,
    ) -> RequestId:
        self.clock.set(when)
        create = CreateRequest(self.uow_factory, self.clock, SETTINGS)
        request = await create(
            CreateRequestCommand(
                author_id=UserId(author),
                location=location,
                category=category,
                description=f"Нужна помощь: {location}, {category.value}",
                priority=priority,
            )
        )
        return request.id

    async def take(self, when: datetime, rid: RequestId, who: int) -> None:
        self.clock.set(when)
        take = TakeRequest(self.uow_factory, self.clock, SETTINGS)
        await take(TakeRequestCommand(actor_id=UserId(who), request_id=rid))

    async def complete(self, when: datetime, rid: RequestId, who: int) -> None:
        self.clock.set(when)
        complete = CompleteRequest(self.uow_factory, self.clock, SETTINGS)
        await complete(
            CompleteRequestCommand(actor_id=UserId(who), request_id=rid, report="Сделано")
        )

    async def rate(self, when: datetime, rid: RequestId, who: int, score: int) -> None:
        self.clock.set(when)
        rate = RateRequest(self.uow_factory, self.clock, SETTINGS)
        await rate(RateRequestCommand(actor_id=UserId(who), request_id=rid, score=score))

    async def reject(self, when: datetime, rid: RequestId) -> None:
        self.clock.set(when)
        reject = RejectRequest(self.uow_factory, self.clock, SETTINGS)
        await reject(
            RejectRequestCommand(actor_id=UserId(ADMIN), request_id=rid, reason="Не наша зона")
        )

    async def cancel(self, when: datetime, rid: RequestId, who: int) -> None:
        self.clock.set(when)
        cancel = CancelRequest(self.uow_factory, self.clock, SETTINGS)
        await cancel(CancelRequestCommand(actor_id=UserId(who), request_id=rid, reason="Сами"))

    async def hold(self, when: datetime, rid: RequestId, who: int) -> None:
        self.clock.set(when)
        hold = HoldRequest(self.uow_factory, self.clock, SETTINGS)
        await hold(HoldRequestCommand(actor_id=UserId(who), request_id=rid, reason="Ждём деталь"))


async def build_week(uow_factory: UnitOfWorkFactory, clock: FakeClock) -> None:
    """The timeline, in order. Working hours of each span are noted where they matter."""
    office = Office(uow_factory, clock)
    clock.set(msk(5, 9))
    await office.register(ADMIN, "Завхоз")
    for user_id, name in ((STAFF, "Анна"), (STAFF2, "Борис"), (PETR, "Пётр"), (OLGA, "Ольга")):
        await office.register(user_id, name)
    await office.promote(PETR)
    await office.promote(OLGA)

    # A: before the week; taken before it, completed in it (10 working hours: Fri 8 + Mon 2).
    a = await office.create(msk(9, 10), STAFF, "Каб. 305", Category.ELECTRICAL)
    await office.take(msk(9, 11), a, PETR)
    # B: Monday 01:00 Moscow is still Sunday in UTC; never taken, overdue since Mon 16:00.
    b = await office.create(msk(12, 1), STAFF2, "Каб. 101", Category.IT_EQUIPMENT)
    await office.complete(msk(12, 10), a, PETR)
    await office.rate(msk(12, 11), a, STAFF, 5)
    # C: urgent; taken in 1 h, completed in 4 h, on time (due Wed 16:00).
    c = await office.create(msk(12, 12), STAFF, "Каб. 305", Category.ELECTRICAL, Priority.HIGH)
    await office.take(msk(12, 13), c, PETR)
    # D: taken Tue 09:00 (4 + 1 = 5 h), completed Thu 17:00 (4 + 10 + 10 + 9 = 33 h), on time.
    d = await office.create(msk(12, 14), STAFF2, "Каб. 305", Category.PLUMBING)
    await office.complete(msk(12, 16), c, PETR)
    await office.rate(msk(12, 16, 30), c, STAFF, 4)
    await office.take(msk(13, 9), d, OLGA)
    e = await office.create(msk(13, 10), STAFF, "Спортзал", Category.PLUMBING, Priority.LOW)
    await office.reject(msk(13, 11), e)
    f = await office.create(msk(13, 12), STAFF2, "Спортзал", Category.FURNITURE)
    await office.cancel(msk(13, 12, 30), f, STAFF2)
    # G: urgent, due Fri 13:00; taken in 1 h, completed Fri 17:00 (9 + 10 + 9 = 28 h): late.
    g = await office.create(
        msk(14, 9), STAFF, "Столовая", Category.HEATING_VENTILATION, Priority.HIGH
    )
    await office.take(msk(14, 10), g, OLGA)
    await office.complete(msk(15, 17), d, OLGA)
    # H: typed in lower case: the same place as «Каб. 305», and its newest spelling.
    h = await office.create(msk(16, 15), STAFF, "каб. 305", Category.ELECTRICAL, Priority.LOW)
    await office.take(msk(16, 16), h, PETR)
    await office.complete(msk(16, 17), g, OLGA)
    await office.rate(msk(16, 17, 30), g, STAFF, 2)
    # I: created on Saturday, taken on the Monday after the week (1 working hour), on hold.
    i = await office.create(msk(17, 10), STAFF2, "Столовая", Category.CLEANING)
    await office.take(msk(19, 9), i, PETR)
    await office.hold(msk(19, 10), i, PETR)
    # J: after the week; open, due Mon 18:00: not overdue at noon.
    await office.create(msk(19, 10), STAFF, "Холл", Category.OTHER)
    clock.set(NOW)
    assert [a, b, c, d, e, f, g, h, i] == list(range(1, 10))


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo("UTC"))


def hours(value: float) -> timedelta:
    return timedelta(hours=value)


EXPECTED_WEEK = Statistics(
    period=WEEK,
    since=_utc(msk(12, 0)),
    until=_utc(msk(19, 0)),
    generated_at=NOW,
    zone=MOSCOW,
    created=8,  # B C D E F G H I
    completed=4,  # A C D G
    rejected=1,  # E
    cancelled=1,  # F
    open_now=4,  # B (new), H (in progress), I (on hold), J (new)
    overdue_now=1,  # B
    take_average=hours(2),  # C 1, D 5, G 1, H 1
    take_median=hours(1),
    complete_average=hours(18.75),  # A 10, C 4, D 33, G 28
    complete_median=hours(19),
    sla_met=3,  # A C D; G late
    rated=3,  # A 5, C 4, G 2
    average_rating=11 / 3,
    top_locations=(
        LocationCount("каб. 305", 3),
        LocationCount("Столовая", 2),  # ties: the newest request (I) first
        LocationCount("Спортзал", 2),
        LocationCount("Каб. 101", 1),
    ),
    top_categories=(
        CategoryCount(Category.ELECTRICAL, 2),  # newest: H
        CategoryCount(Category.PLUMBING, 2),  # newest: E
        CategoryCount(Category.CLEANING, 1),  # I
        CategoryCount(Category.HEATING_VENTILATION, 1),  # G
        CategoryCount(Category.FURNITURE, 1),  # F
        CategoryCount(Category.IT_EQUIPMENT, 1),  # B: as many as the fifth, so shown too
    ),
    status_mix=(
        StatusCount(Status.OPEN, 1),
        StatusCount(Status.IN_PROGRESS, 1),
        StatusCount(Status.ON_HOLD, 1),
        StatusCount(Status.COMPLETED, 3),
        StatusCount(Status.REJECTED, 1),
        StatusCount(Status.CANCELLED, 1),
    ),
    executors=(
        # Ольга: took D G, completed D (33) G (28); Пётр: took C H, completed A (10) C (4).
        PerExecutor(
            user_id=UserId(OLGA), name="Ольга", taken=2, completed=2, complete_median=hours(30.5)
        ),
        PerExecutor(
            user_id=UserId(PETR), name="Пётр", taken=2, completed=2, complete_median=hours(7)
        ),
    ),
    days=(
        DayCount(date(2026, 1, 12), 3, 2),
        DayCount(date(2026, 1, 13), 2, 0),
        DayCount(date(2026, 1, 14), 1, 0),
        DayCount(date(2026, 1, 15), 0, 1),
        DayCount(date(2026, 1, 16), 1, 1),
        DayCount(date(2026, 1, 17), 1, 0),
        DayCount(date(2026, 1, 18), 0, 0),
    ),
)

EXPECTED_MONDAY_AFTER = Statistics(
    period=MONDAY_AFTER,
    since=_utc(msk(19, 0)),
    until=_utc(msk(20, 0)),
    generated_at=NOW,
    zone=MOSCOW,
    created=1,  # J
    completed=0,
    rejected=0,
    cancelled=0,
    open_now=4,
    overdue_now=1,
    take_average=hours(1),  # I: Sat 10:00 -> Mon 09:00, the weekend does not count
    take_median=hours(1),
    complete_average=None,
    complete_median=None,
    sla_met=0,
    rated=0,
    average_rating=None,
    top_locations=(LocationCount("Холл", 1),),
    top_categories=(CategoryCount(Category.OTHER, 1),),
    status_mix=(StatusCount(Status.OPEN, 1),),
    executors=(
        PerExecutor(user_id=UserId(PETR), name="Пётр", taken=1, completed=0, complete_median=None),
    ),
    days=(DayCount(date(2026, 1, 19), 1, 0),),
)
