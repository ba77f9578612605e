"""A district admin's statistics, export and list of people cover every school below; a school's
admin sees nothing of the school beside it. Memory, SQLite and PostgreSQL alike, through the
real sources; and ``--org`` on ``zavhoz stats``, ``export`` and ``users list``."""

import io
from collections.abc import AsyncIterator
from pathlib import Path

import attrs
import openpyxl
import pytest
from dependency_injector import providers

from tests.integration.conftest import ALL_BACKENDS, fresh_engine
from tests.integration.reports.cli_support import cli, fresh_database, in_database
from tests.integration.reports.statistics_data import NOW, SETTINGS, WEEK, Office, msk
from tests.integration.reports.test_export import read_csv
from tests.unit.builders import user
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.memory import MemoryDatabase, memory_uow_factory
from zavhoz.adapters.persistence.memory.export import MemoryExportSource
from zavhoz.adapters.persistence.memory.statistics import MemoryStatisticsSource
from zavhoz.adapters.persistence.sqlalchemy import sql_uow_factory
from zavhoz.adapters.persistence.sqlalchemy.export import SqlExportSource
from zavhoz.adapters.persistence.sqlalchemy.statistics import SqlStatisticsSource
from zavhoz.adapters.reports.csv_export import write_csv
from zavhoz.adapters.reports.xlsx_export import write_xlsx
from zavhoz.application.export import ExportQuery, ExportSource
from zavhoz.application.paging import PageRequest
from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.application.queries.export_requests import Export, ExportRequests
from zavhoz.application.queries.get_statistics import GetStatistics
from zavhoz.application.queries.list_users import ListUsers
from zavhoz.application.statistics import Statistics, StatisticsSource
from zavhoz.domain.catalog import Category, Priority, Status
from zavhoz.domain.errors import NotFound, NotPermitted
from zavhoz.domain.ids import OrgId, UserId
from zavhoz.domain.organizations import Membership, Organization
from zavhoz.domain.users import Role, User, UserState
from zavhoz.main import cli_export, cli_stats, cli_users
from zavhoz.main.container import Container

DISTRICT_ADMIN, ADMIN_A, ADMIN_B, CREW = 301, 302, 303, 201
STAFF_A, STAFF_B = 101, 102


@attrs.frozen
class Tree:
    district: OrgId
    a: OrgId
    b: OrgId


@attrs.frozen
class Backend:
    uow_factory: UnitOfWorkFactory
    statistics_source: StatisticsSource
    export_source: ExportSource
    clock: FakeClock

    def statistics(self) -> GetStatistics:
        return GetStatistics(self.uow_factory, self.clock, SETTINGS, self.statistics_source)

    def export(self) -> ExportRequests:
        return ExportRequests(self.uow_factory, self.export_source, SETTINGS)

    def users(self) -> ListUsers:
        return ListUsers(self.uow_factory, self.clock, SETTINGS)


@pytest.fixture(params=ALL_BACKENDS)
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    clock = FakeClock(NOW)
    if request.param == "memory":
        db = MemoryDatabase()
        yield Backend(
            memory_uow_factory(db), MemoryStatisticsSource(db), MemoryExportSource(db), clock
        )
        return
    engine = await fresh_engine(request.param, tmp_path)
    yield Backend(
        sql_uow_factory(engine), SqlStatisticsSource(engine), SqlExportSource(engine), clock
    )
    await engine.dispose()


async def build_district(uow_factory: UnitOfWorkFactory, clock: FakeClock) -> Tree:
    """A district over schools A and B, their admins, staff and a crew serving both; a week of
    requests in each school (B busier than A), some taken, completed, rated, cancelled."""
    tree = await _organizations(uow_factory)
    await _people(uow_factory, tree)
    office = Office(uow_factory, clock)
    await _school_week(office, STAFF_A, "Каб. 1", 1)
    await _school_week(office, STAFF_B, "Спортзал", 2)
    return tree


async def _organizations(uow_factory: UnitOfWorkFactory) -> Tree:
    async with uow_factory() as uow:
        district = Organization(slug="district", name="Район")
        await uow.organizations.add(district)
        a = Organization(slug="a", name="Школа №1", parent=district.id)
        b = Organization(slug="b", name="Школа №2", parent=district.id)
        await uow.organizations.add(a)
        await uow.organizations.add(b)
        await uow.commit()
    return Tree(district.id, a.id, b.id)


async def _people(uow_factory: UnitOfWorkFactory, tree: Tree) -> None:
    people = [
        (DISTRICT_ADMIN, Role.ADMIN, tree.district),
        (CREW, Role.EXECUTOR, tree.district),
        (ADMIN_A, Role.ADMIN, tree.a),
        (ADMIN_B, Role.ADMIN, tree.b),
        (STAFF_A, Role.STAFF, tree.a),
        (STAFF_B, Role.STAFF, tree.b),
    ]
    async with uow_factory() as uow:
        for person, role, org in people:
            await uow.users.add(attrs.evolve(user(person, role), organization=org))
        # Анна of school A waits to be let into school B too.
        pending = Membership(person=UserId(STAFF_A), organization=tree.b, state=UserState.PENDING)
        await uow.memberships.put(pending)
        await uow.commit()


async def _school_week(office: Office, author: int, place: str, busier: int) -> None:
    """``busier`` × (a request completed and rated, one taken, one cancelled, one left open)."""
    for n in range(busier):
        done = await office.create(msk(12, 9 + n), author, place, Category.PLUMBING)
        await office.take(msk(12, 10 + n), done, CREW)
        await office.complete(msk(13, 11 + n), done, CREW)
        await office.rate(msk(13, 15), done, author, 4 + n % 2)
        taken = await office.create(msk(14, 9), author, place, Category.ELECTRICAL, Priority.HIGH)
        await office.take(msk(14, 12), taken, CREW)
        dropped = await office.create(msk(15, 9), author, place, Category.FURNITURE)
        await office.cancel(msk(15, 10), dropped, author)
        await office.create(msk(16, 9), author, f"{place}, {n}", Category.OTHER, Priority.LOW)


@pytest.fixture
async def district(backend: Backend) -> Tree:
    return await build_district(backend.uow_factory, backend.clock)


# --- statistics -------------------------------------------------------------------------------

COUNTS = (
    "created",
    "completed",
    "rejected",
    "cancelled",
    "open_now",
    "overdue_now",
    "sla_met",
    "rated",
)


def counts(s: Statistics) -> dict[str, int]:
    return {name: getattr(s, name) for name in COUNTS}


def added_up(*statistics: Statistics) -> dict[str, object]:
    """Every count, the per-day counts and the status mix, summed over ``statistics``."""
    days = [
        (sum(s.days[i].created for s in statistics), sum(s.days[i].completed for s in statistics))
        for i in range(len(statistics[0].days))
    ]
    mix: dict[Status, int] = {}
    for s in statistics:
        for status in s.status_mix:
            mix[status.status] = mix.get(status.status, 0) + status.count
    totals = {name: sum(counts(s)[name] for s in statistics) for name in COUNTS}
    return {**totals, "days": days, "mix": mix}


async def test_a_districts_statistics_add_up_to_its_schools(
    backend: Backend, district: Tree
) -> None:
    get = backend.statistics()

    whole = await get(UserId(DISTRICT_ADMIN), WEEK)
    a = await get(UserId(DISTRICT_ADMIN), WEEK, district.a)
    b = await get(UserId(DISTRICT_ADMIN), WEEK, district.b)

    assert added_up(whole) == added_up(a, b)
    assert (a.created, b.created, whole.created) == (4, 8, 12)
    assert (a.completed, b.completed, a.cancelled, b.cancelled) == (1, 2, 1, 2)
    assert {e.user_id: e.completed for e in whole.executors} == {UserId(CREW): 3}
    assert whole.average_rating == pytest.approx((4 + 4 + 5) / 3)


async def test_a_schools_admin_sees_their_own_school_as_the_district_does(
    backend: Backend, district: Tree
) -> None:
    get = backend.statistics()

    own = await get(UserId(ADMIN_A), WEEK)
    from_above = await get(UserId(DISTRICT_ADMIN), WEEK, district.a)
    operator = await get(None, WEEK, district.a)

    assert counts(own) == counts(from_above) == counts(operator)
    assert own.top_locations == from_above.top_locations
    assert [x.location for x in own.top_locations] == ["Каб. 1", "Каб. 1, 0"]


async def test_the_operators_org_covers_everything_below_it(
    backend: Backend, district: Tree
) -> None:
    get = backend.statistics()

    assert counts(await get(None, WEEK, district.district)) == counts(
        await get(UserId(DISTRICT_ADMIN), WEEK)
    )
    assert (await get(None, WEEK, district.b)).created == 8


async def test_a_schools_admin_gets_nothing_of_the_school_beside_it(
    backend: Backend, district: Tree
) -> None:
    get = backend.statistics()

    with pytest.raises(NotFound) as beside:
        await get(UserId(ADMIN_A), WEEK, district.b)
    with pytest.raises(NotFound):
        await get(UserId(ADMIN_A), WEEK, district.district)
    with pytest.raises(NotFound):
        await get.authorize(UserId(ADMIN_A), district.b)

    assert beside.value.entity == "organization"
    assert (await get(UserId(ADMIN_B), WEEK)).created == 8


@pytest.mark.parametrize("who", [CREW, STAFF_A])
async def test_who_administers_nothing_is_refused(
    backend: Backend, district: Tree, who: int
) -> None:
    with pytest.raises(NotPermitted) as refused:
        await backend.statistics()(UserId(who), WEEK)
    with pytest.raises(NotPermitted):
        await backend.export()(UserId(who), ExportQuery())

    assert refused.value.reason == "admins_only"


# --- the export -------------------------------------------------------------------------------


async def rows(export: Export) -> list[tuple[str, str]]:
    return [(line.request.organization, line.request.location) async for line in export]


async def numbers(export: Export) -> dict[str, list[int]]:
    """The numbers people say, per school: each school counts its own from 1."""
    found: dict[str, list[int]] = {}
    async for line in export:
        found.setdefault(line.request.organization, []).append(line.request.number)
    return found


async def test_a_districts_export_names_each_lines_school(backend: Backend, district: Tree) -> None:
    export = await backend.export()(UserId(DISTRICT_ADMIN), ExportQuery())

    found = await rows(export)

    assert export.by_school
    assert export.organizations == {district.district, district.a, district.b}
    assert sorted({school for school, _ in found}) == ["Школа №1", "Школа №2"]
    assert len(found) == 12
    assert {place for school, place in found if school == "Школа №1"} == {"Каб. 1", "Каб. 1, 0"}
    again = await backend.export()(UserId(DISTRICT_ADMIN), ExportQuery())
    assert await numbers(again) == {"Школа №1": [1, 2, 3, 4], "Школа №2": list(range(1, 9))}


async def test_a_schools_admin_exports_only_their_school(backend: Backend, district: Tree) -> None:
    export = await backend.export()(UserId(ADMIN_A), ExportQuery(organizations=frozenset()))

    found = await rows(export)

    assert not export.by_school
    assert {school for school, _ in found} == {"Школа №1"}
    assert len(found) == 4
    with pytest.raises(NotFound):
        await backend.export()(UserId(ADMIN_A), ExportQuery(), school=district.b)


async def test_the_district_narrowed_to_one_school(backend: Backend, district: Tree) -> None:
    export = await backend.export()(UserId(DISTRICT_ADMIN), ExportQuery(), school=district.b)

    found = await rows(export)

    assert not export.by_school
    assert {school for school, _ in found} == {"Школа №2"}
    assert len(found) == 8


async def test_the_files_have_a_school_column_for_a_district(
    backend: Backend, district: Tree, tmp_path: Path
) -> None:
    export = backend.export()
    out, path = io.BytesIO(), tmp_path / "district.xlsx"

    by_school = await export(UserId(DISTRICT_ADMIN), ExportQuery())
    await write_csv(by_school, out, by_school=by_school.by_school)
    sheet = await export(UserId(DISTRICT_ADMIN), ExportQuery())
    await write_xlsx(sheet, path, language="en", by_school=sheet.by_school)

    table = read_csv(out.getvalue())
    assert table[0][:3] == ["№", "Школа", "Создана"]
    assert sorted({row[1] for row in table[1:]}) == ["Школа №1", "Школа №2"]
    assert all(row[2].startswith("1") for row in table[1:])  # the dates moved one to the right
    workbook = openpyxl.load_workbook(path).active
    assert [workbook["A1"].value, workbook["B1"].value, workbook["C1"].value] == [
        "№",
        "School",
        "Created",
    ]
    assert workbook.auto_filter.ref == "A1:S13"


async def test_one_schools_file_has_no_school_column(backend: Backend, district: Tree) -> None:
    out = io.BytesIO()
    export = await backend.export()(UserId(ADMIN_A), ExportQuery())

    await write_csv(export, out, by_school=export.by_school)

    header = read_csv(out.getvalue())[0]
    assert header[:2] == ["№", "Создана"]
    assert "Школа" not in header


# --- people -----------------------------------------------------------------------------------


def listed(people: list[User]) -> list[tuple[int, int, str, str]]:
    return [(p.id, p.organization, p.role.value, p.state.value) for p in people]


async def test_a_district_admin_lists_the_members_of_every_school_below(
    backend: Backend, district: Tree
) -> None:
    people = await backend.users().everyone(UserId(DISTRICT_ADMIN))
    page = await backend.users()(UserId(DISTRICT_ADMIN), PageRequest(0, 3))

    d, a, b = district.district, district.a, district.b
    assert listed(people) == [
        (STAFF_A, a, "staff", "active"),
        (STAFF_A, b, "staff", "pending"),
        (STAFF_B, b, "staff", "active"),
        (CREW, d, "executor", "active"),
        (DISTRICT_ADMIN, d, "admin", "active"),
        (ADMIN_A, a, "admin", "active"),
        (ADMIN_B, b, "admin", "active"),
    ]
    assert (len(page.items), page.total, page.has_next) == (3, 7, True)


async def test_a_schools_admin_lists_only_their_schools_members(
    backend: Backend, district: Tree
) -> None:
    people = await backend.users().everyone(UserId(ADMIN_A))
    waiting = await backend.users().everyone(UserId(DISTRICT_ADMIN), UserState.PENDING)

    assert listed(people) == [
        (STAFF_A, district.a, "staff", "active"),
        (ADMIN_A, district.a, "admin", "active"),
    ]
    assert listed(waiting) == [(STAFF_A, district.b, "staff", "pending")]
    with pytest.raises(NotFound):
        await backend.users().everyone(UserId(ADMIN_A), school=district.b)


# --- zavhoz stats|export|users list --org -----------------------------------------------------


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = fresh_database(tmp_path, monkeypatch)
    in_database(url, lambda uow_factory: build_district(uow_factory, FakeClock(NOW)))
    return url


def figure(out: str, name: str) -> str:
    table = out.split("\n\n")[1].splitlines()[2:]
    return next(line.rsplit("  ", 1)[1].strip() for line in table if line.startswith(name))


@pytest.mark.parametrize(("org", "created"), [("district", "12"), ("a", "4"), ("b", "8")])
def test_zavhoz_stats_of_an_organization_and_below(
    url: str, capsys: pytest.CaptureFixture[str], org: str, created: str
) -> None:
    with Container.clock.override(providers.Object(FakeClock(NOW))):
        code = cli(
            cli_stats.add_commands,
            "stats",
            "--from",
            "2026-01-12",
            "--to",
            "2026-01-18",
            "--org",
            org,
        )

    out = capsys.readouterr().out
    assert code == 0
    assert f"({org})" in out.splitlines()[0]
    assert figure(out, "created") == created


@pytest.mark.parametrize(
    "argv",
    [
        ["stats"],
        ["export", "--format", "csv"],
        ["users", "list"],
    ],
)
def test_without_org_several_organizations_are_named(
    url: str, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    commands = {"stats": cli_stats, "export": cli_export, "users": cli_users}[argv[0]]

    code = cli(commands.add_commands, *argv)

    assert code == 2
    assert "add --org SLUG, one of school, district, a, b" in capsys.readouterr().err


def test_zavhoz_stats_refuses_an_unknown_org(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(cli_stats.add_commands, "stats", "--org", "nowhere") == 2
    assert "no organization 'nowhere'" in capsys.readouterr().err


def test_zavhoz_export_of_a_district_has_the_school_column(url: str, tmp_path: Path) -> None:
    out = tmp_path / "district.csv"

    code = cli(
        cli_export.add_commands, "export", "--format", "csv", "--org", "district", "--out", str(out)
    )

    table = read_csv(out.read_bytes())
    assert code == 0
    assert table[0][1] == "Школа"
    assert sorted(row[1] for row in table[1:]).count("Школа №2") == 8
    assert len(table) == 13


def test_zavhoz_export_of_a_school_has_only_its_requests(url: str, tmp_path: Path) -> None:
    out = tmp_path / "a.csv"

    code = cli(
        cli_export.add_commands, "export", "--format", "csv", "--org", "a", "--out", str(out)
    )

    table = read_csv(out.read_bytes())
    assert code == 0
    assert "Школа" not in table[0]
    assert {row[3] for row in table[1:]} == {"Каб. 1", "Каб. 1, 0"}


def test_zavhoz_users_list_of_an_organization(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(cli_users.add_commands, "users", "list", "--org", "district") == 0
    district = capsys.readouterr().out.splitlines()
    assert cli(cli_users.add_commands, "users", "list", "--org", "a") == 0
    school = capsys.readouterr().out.splitlines()

    assert district[0].split() == ["id", "name", "username", "role", "state", "organization"]
    assert [line.split()[-1] for line in district[2:-1]] == [
        "a",
        "b",
        "b",
        "district",
        "district",
        "a",
        "b",
    ]
    assert district[-1] == "7 user(s)"
    assert [line.split()[0] for line in school[2:-1]] == [str(STAFF_A), str(ADMIN_A)]
    assert school[0].split() == ["id", "name", "username", "role", "state"]
