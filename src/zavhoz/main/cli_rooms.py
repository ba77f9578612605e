"""``zavhoz rooms import FILE|list`` and ``zavhoz qr``: the room registry from the command line."""

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from zavhoz.adapters.reports import qr
from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.application.use_cases.import_rooms import ImportResult, ImportRoomsCommand, RowError
from zavhoz.domain.errors import ValidationFailed
from zavhoz.domain.ids import OrgId, RoomCode
from zavhoz.domain.rooms import Room, room_code
from zavhoz.main.cli_common import (
    CommandError,
    add_org_option,
    chosen_organization,
    run_command,
    table,
    with_container,
)

if TYPE_CHECKING:
    from zavhoz.main.container import Container


# --- rooms import ----------------------------------------------------------------------------


def _shown(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def describe(error: RowError) -> str:
    """A bad row as the operator reads it: ``line 7: code "Каб 1" — only a-z 0-9 _ - up to 32``."""
    value = f'"{_shown(error.value)}"'
    reasons = {
        "encoding": "the file is not UTF-8: save it as «CSV UTF-8»",
        "missing_header": (
            f"the header has no column {value}: the first row names the columns, "
            "e.g. code;name;building;floor"
        ),
        "missing_column": (
            f"no {error.field} (the row has fewer cells than the header; an empty cell is fine)"
        ),
        "extra_columns": (
            f"{error.actual} cells but the header has {error.limit}: "
            "put a name containing the separator in double quotes"
        ),
        "duplicate": f"code {value} — already on line {error.first_line}, that one is kept",
        "pattern": f"code {value} — only a-z 0-9 _ - up to {error.limit}",
        "min_length": f"{error.field} {value} — too short, at least {error.limit} characters",
        "max_length": (
            f"{error.field} {value} — too long, {error.actual} characters, at most {error.limit}"
        ),
    }
    if error.rule == "min_length" and not error.value:
        reasons["min_length"] = f"no {error.field} — at least {error.limit} characters"
    reason = reasons.get(error.rule, f"{error.field}: {error.rule}")
    return f"line {error.line}: {reason}"


def summary(result: ImportResult) -> str:
    counts = f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged"
    bad = len({e.line for e in result.errors})
    return f"rooms: {counts}" + (f"; {bad} row(s) not imported:" if bad else "")


def _import(arguments: argparse.Namespace) -> int:
    def body() -> int:
        path = Path(arguments.file)
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror or error}") from None

        async def work(container: "Container") -> ImportResult:
            org = await chosen_organization(container.uow_factory(), arguments.org)
            command = ImportRoomsCommand(actor_id=None, content=content, organization=org.id)
            return await container.import_rooms()(command)

        result = with_container(work)
        print(summary(result))
        for bad in result.errors:
            print(describe(bad))
        return 1 if result.errors else 0

    return run_command(body)


# --- rooms list ------------------------------------------------------------------------------


async def all_rooms(uow_factory: UnitOfWorkFactory, slug: str | None) -> list[Room]:
    """The rooms of the organization ``--org`` names (or of the only one)."""
    org = await chosen_organization(uow_factory, slug)
    async with uow_factory(read_only=True) as uow:
        return await uow.rooms.all(org.id)


def _list(arguments: argparse.Namespace) -> int:
    def body() -> int:
        rooms = with_container(lambda container: all_rooms(container.uow_factory(), arguments.org))
        if not rooms:
            print("No rooms yet: zavhoz rooms import rooms.csv (columns code;name;building;floor)")
            return 0
        rows = [(r.code, r.name, r.building, r.floor) for r in rooms]
        print(table(["code", "name", "building", "floor"], rows))
        print(f"{len(rooms)} room(s)")
        return 0

    return run_command(body)


# --- qr --------------------------------------------------------------------------------------


async def bot_username(container: "Container", given: str | None) -> str:
    """``--bot``, else the username the last `zavhoz run` remembered, else Telegram's answer."""
    from zavhoz.main.container import BOT_USERNAME

    if given is not None:
        return given
    remembered = container.remembered()
    known = await remembered.recall(BOT_USERNAME)
    if known:
        return known
    asked = await ask_telegram_username(container)
    await remembered.remember(BOT_USERNAME, asked)
    return asked


async def ask_telegram_username(container: "Container") -> str:
    """The bot's username from Telegram (getMe) with the configured token."""
    from zavhoz.main.container import StartupError

    try:
        bot = container.bot()
    except StartupError:
        raise CommandError(
            "give the bot's username with --bot USERNAME, or set ZAVHOZ_BOT_TOKEN "
            "so it is asked from Telegram (once the bot has run, it is remembered)"
        ) from None
    try:
        me = await bot.get_me()
    except Exception as error:  # any failure of the network or of Telegram: one line
        raise CommandError(
            f"could not ask Telegram for the bot's username ({type(error).__name__}: {error}); "
            "give it with --bot USERNAME"
        ) from None
    if not me.username:
        raise CommandError("the bot has no username; give one with --bot USERNAME")
    return me.username


async def rooms_to_print(
    uow_factory: UnitOfWorkFactory, org: OrgId, codes: Sequence[str]
) -> list[Room]:
    """The rooms named by ``codes`` (in that order), or every room when none are named."""
    async with uow_factory(read_only=True) as uow:
        if not codes:
            return await uow.rooms.all(org)
        rooms = []
        for raw in codes:
            code = _code(raw)
            room = await uow.rooms.get(org, code)
            if room is None:
                raise CommandError(f"no room {code} (see zavhoz rooms list)")
            rooms.append(room)
        return rooms


def _code(raw: str) -> RoomCode:
    try:
        return room_code(raw)
    except ValidationFailed:
        raise CommandError(f'"{raw}" is not a room code (a-z 0-9 _ - up to 32)') from None


def _qr(arguments: argparse.Namespace) -> int:
    def body() -> int:
        out = Path(arguments.out)
        codes: list[str] = arguments.room or []
        png = out.suffix.lower() == ".png"
        if png and len(codes) != 1:
            raise CommandError("a PNG holds one code: add --room CODE, or write --out rooms.pdf")
        if arguments.bot is not None:
            try:
                qr.bot_username(arguments.bot)
            except ValueError as error:
                raise CommandError(str(error)) from None

        async def work(container: "Container") -> tuple[list[Room], str]:
            org = await chosen_organization(container.uow_factory(), arguments.org)
            rooms = await rooms_to_print(container.uow_factory(), org.id, codes)
            if not rooms:
                raise CommandError("no rooms yet: zavhoz rooms import rooms.csv first")
            return rooms, await bot_username(container, arguments.bot)

        rooms, bot = with_container(work)
        try:
            data = qr.room_png(rooms[0], bot) if png else qr.rooms_pdf(rooms, bot)
        except qr.FontNotFound as error:
            raise CommandError(str(error)) from None
        try:
            out.write_bytes(data)
        except OSError as error:
            raise CommandError(f"cannot write {out}: {error.strerror or error}") from None
        what = f"room {rooms[0].code}" if png else f"{len(rooms)} room(s)"
        print(f"{out}: QR codes of {what} opening @{qr.bot_username(bot)}")
        return 0

    return run_command(body)


def add_commands(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """``rooms import FILE``, ``rooms list`` and ``qr``."""
    rooms = subparsers.add_parser("rooms", help="the room registry")
    actions = rooms.add_subparsers(dest="rooms_action", required=True)
    importing = actions.add_parser(
        "import",
        help="add or update rooms from a CSV file",
        description=(
            "CSV in UTF-8 (with or without BOM), separated by ; or , with a header row: "
            "code;name;building;floor (building and floor may be left out). Good rows are "
            "stored, every bad row is reported with its line; the exit code is 1 if any was bad."
        ),
    )
    importing.add_argument("file", help="the CSV file")
    add_org_option(importing)
    importing.set_defaults(handler=_import)
    listing = actions.add_parser("list", help="every room: code, name, building, floor")
    add_org_option(listing)
    listing.set_defaults(handler=_list)

    codes = subparsers.add_parser(
        "qr",
        help="printable QR codes that open the bot with the room filled in",
        description=(
            "An A4 PDF sheet (3 × 4 per page) of every room, or of the rooms named with --room; "
            "with --out NAME.png one room's code as an image."
        ),
    )
    codes.add_argument("--out", required=True, help="rooms.pdf, or x.png with one --room")
    codes.add_argument(
        "--room", action="append", metavar="CODE", help="only this room (repeat for several)"
    )
    codes.add_argument(
        "--bot",
        metavar="USERNAME",
        help="the bot's username (default: the one the last `zavhoz run` remembered, "
        "else asked from Telegram)",
    )
    add_org_option(codes)
    codes.set_defaults(handler=_qr)
