"""The number people say («заявка №7», counted per organization) is not the internal id (42).

Messages carry both: ``number`` to be shown, ``request_id`` to link the push's buttons. Search by
number looks in the viewer's organization only.
"""

from typing import Any

from tests.unit.application.support import Desk, msk
from tests.unit.conftest import EXECUTOR, STAFF
from zavhoz.application.paging import Page, PageRequest
from zavhoz.application.queries.search import SearchRequests
from zavhoz.application.use_cases.scan_sla import ScanSla
from zavhoz.domain.ids import OrgId, RequestId, UserId
from zavhoz.domain.request import Request

ID, NUMBER = RequestId(42), 7
OTHER_SCHOOL = OrgId(2)


async def seventh(desk: Desk) -> RequestId:
    """A request stored with id 42 whose number in its organization is 7."""
    desk.db.last_request_id = ID - 1
    rid = (await desk.create(STAFF)).id
    assert rid == ID
    desk.db.requests[rid].number = NUMBER
    return rid


async def search(build: Any, text: str) -> Page[Request]:
    result: Page[Request] = await build(SearchRequests)(UserId(EXECUTOR), text, PageRequest(0, 20))
    return result


async def test_a_change_tells_the_number_and_links_by_the_id(desk: Desk) -> None:
    rid = await seventh(desk)

    mark = desk.mark()
    await desk.take(rid, EXECUTOR)

    messages = desk.since(mark)
    assert messages, "the author hears it was taken"
    assert {m.params["number"] for m in messages} == {NUMBER}
    assert {m.params["request_id"] for m in messages} == {ID}
    assert {m.request_id for m in messages} == {ID}


async def test_an_sla_alert_tells_the_number(desk: Desk, build: Any) -> None:
    await seventh(desk)

    desk.clock.set(msk(12, 18))
    await build(ScanSla)()

    alerts = [m for m in desk.db.outbox if m.template == "sla_alert"]
    assert alerts
    assert {(m.params["number"], m.request_id) for m in alerts} == {(NUMBER, ID)}


async def test_search_by_an_id_that_is_not_the_number_finds_nothing(desk: Desk, build: Any) -> None:
    await seventh(desk)

    page = await search(build, "№42")

    assert (page.items, page.total) == ((), 0)


async def test_search_by_number_stays_in_the_viewers_organization(desk: Desk, build: Any) -> None:
    rid = (await desk.create(STAFF)).id
    desk.db.requests[rid].number = rid
    desk.db.requests[rid].organization = OTHER_SCHOOL

    page = await search(build, f"№{rid}")

    assert (page.items, page.total) == ((), 0)


async def test_search_by_number_finds_a_request_whose_number_is_its_id(
    desk: Desk, build: Any
) -> None:
    rid = (await desk.create(STAFF)).id
    desk.db.requests[rid].number = rid

    page = await search(build, f"№{rid}")

    assert [r.id for r in page.items] == [rid]


async def test_search_by_number_finds_the_request_of_that_number(desk: Desk, build: Any) -> None:
    await seventh(desk)

    page = await search(build, "7")

    assert [r.id for r in page.items] == [ID]
