"""Helpers for the lists, queue and card tests: people with roles, requests through the core."""

import re

from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.testing import Person, World
from zavhoz.adapters.telegram.testing.rules import html_problems
from zavhoz.application.use_cases.create_request import CreateRequestCommand
from zavhoz.application.use_cases.take_request import TakeRequestCommand
from zavhoz.domain.attachments import Attachment, AttachmentKind
from zavhoz.domain.catalog import Category, Priority
from zavhoz.domain.ids import RequestId, UserId
from zavhoz.domain.request import Request
from zavhoz.domain.users import Role

STAFF_ID, EXECUTOR_ID, OTHER_EXECUTOR_ID = 101, 202, 203
NASTY = "<b>x</b> & <script>\"'"


async def joined(
    world: World,
    db: MemoryDatabase,
    user_id: int,
    name: str,
    role: Role | None = None,
    language: str = "ru",
) -> Person:
    """A person who has sent /start (and got ``role`` from an admin)."""
    person = world.person(user_id, name, language=language)
    await person.send("/start")
    if role is not None:
        db.users[UserId(user_id)].role = role
    return person


async def report(
    services: Services,
    author: Person,
    description: str = "Не закрывается дверь в кабинет",
    *,
    location: str = "Каб. 305",
    category: Category = Category.DOORS_LOCKS_SECURITY,
    priority: Priority = Priority.MEDIUM,
    attachments: tuple[Attachment, ...] = (),
) -> Request:
    return await services.create_request(
        CreateRequestCommand(
            author_id=UserId(author.id),
            location=location,
            category=category,
            description=description,
            priority=priority,
            attachments=attachments,
        )
    )


async def take(services: Services, executor: Person, request: Request) -> Request:
    return await services.take(
        TakeRequestCommand(actor_id=UserId(executor.id), request_id=RequestId(request.id))
    )


def photo(n: int) -> Attachment:
    return Attachment(
        file_id=f"photo-{n}", file_unique_id=f"u-photo-{n}", kind=AttachmentKind.PHOTO
    )


def document(n: int) -> Attachment:
    return Attachment(
        file_id=f"doc-{n}",
        file_unique_id=f"u-doc-{n}",
        kind=AttachmentKind.DOCUMENT,
        name=f"акт-{n}.pdf",
    )


def visible(markup: str) -> str:
    """What the person reads: the HTML as Telegram renders it."""
    problems, text = html_problems(markup)
    assert not problems, problems
    return text


def numbers_in(markup: str) -> list[int]:
    """Request numbers in the order the lines show them."""
    return [int(n) for n in re.findall(r"^№(\d+) · ", visible(markup), flags=re.MULTILINE)]
