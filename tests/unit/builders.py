"""Small builders for domain objects in tests."""

from datetime import UTC, datetime

from zavhoz.domain.attachments import Attachment, AttachmentKind
from zavhoz.domain.calendar import WorkingCalendar
from zavhoz.domain.catalog import Category, Priority, Status
from zavhoz.domain.ids import UserId
from zavhoz.domain.request import Request
from zavhoz.domain.users import Role, User, UserState

MONDAY_NOON_MSK = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
CALENDAR = WorkingCalendar()


def user(
    user_id: int, role: Role = Role.STAFF, state: UserState = UserState.ACTIVE, name: str = ""
) -> User:
    return User(
        id=UserId(user_id),
        name=name or f"user{user_id}",
        role=role,
        state=state,
        created_at=MONDAY_NOON_MSK,
    )


def photo(n: int = 1) -> Attachment:
    return Attachment(file_id=f"file{n}", file_unique_id=f"u{n}", kind=AttachmentKind.PHOTO)


def new_request(
    author: User,
    now: datetime = MONDAY_NOON_MSK,
    priority: Priority = Priority.MEDIUM,
    description: str = "Не закрывается дверь в кабинет",
) -> Request:
    return Request.create(
        author=author,
        location="Каб. 305",
        category=Category.DOORS_LOCKS_SECURITY,
        description=description,
        priority=priority,
        now=now,
        calendar=CALENDAR,
    )


def request_in(
    status: Status, author: User, worker: User, admin: User, now: datetime = MONDAY_NOON_MSK
) -> Request:
    """A request driven through real transitions into ``status``, worked on by ``worker``."""
    request = new_request(author, now)
    if status is Status.CANCELLED:
        request.cancel(author, "", now)
    elif status is Status.REJECTED:
        request.reject(admin, "Не наша зона", now)
    elif status is not Status.OPEN:
        request.take(worker, now)
        if status is Status.ON_HOLD:
            request.hold(worker, "Ждём запчасти", now)
        elif status is Status.COMPLETED:
            request.complete(worker, "Заменили замок", (), now)
    request.pull_events()
    return request
