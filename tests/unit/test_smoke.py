from tests.unit.conftest import ADMIN, EXECUTOR, STAFF
from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.application.use_cases.create_request import CreateRequest, CreateRequestCommand
from zavhoz.application.use_cases.take_request import TakeRequest, TakeRequestCommand
from zavhoz.domain.catalog import Category, Status
from zavhoz.domain.ids import UserId


async def test_a_request_is_created_and_taken(build, db: MemoryDatabase) -> None:
    created = await build(CreateRequest)(
        CreateRequestCommand(
            author_id=UserId(STAFF),
            location="Каб. 305",
            category=Category.PLUMBING,
            description="Течёт кран в туалете",
        )
    )
    taken = await build(TakeRequest)(
        TakeRequestCommand(actor_id=UserId(EXECUTOR), request_id=created.id)
    )
    assert taken.status is Status.IN_PROGRESS
    assert [e.kind for e in db.history[created.id]] == ["created", "taken"]
    assert {(m.recipient, m.template) for m in db.outbox} == {
        (ADMIN, "request_created"),
        (302, "request_created"),
        (STAFF, "request_taken"),
    }
