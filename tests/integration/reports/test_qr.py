"""``zavhoz qr``: every code on the printed sheet decodes to the bot's deep link for its room."""

import asyncio
import io
import threading
from collections.abc import Iterator
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from fontTools.ttLib import TTFont
from PIL import Image

from tests.integration.fake_bot_api import FakeBotApi
from tests.integration.reports.cli_support import cli, fresh_database, in_database
from zavhoz.adapters.persistence.sqlalchemy import create_engine
from zavhoz.adapters.persistence.sqlalchemy.remembered import SqlRemembered
from zavhoz.adapters.reports import qr
from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.domain.rooms import Room
from zavhoz.main import cli_rooms
from zavhoz.main.cli_rooms import add_commands
from zavhoz.main.container import BOT_USERNAME

LINK = "https://t.me/zavhoz_bot?start=room_{}"
ROOMS = [
    Room.create(f"k{n:03}", f"Кабинет {n}", "Главный корпус", str(n // 5 + 1)) for n in range(1, 13)
] + [
    Room.create("gym", "Спортивный зал имени Героя Советского Союза Ивана Ивановича Петрова"),
    Room.create("lab_chem-2", "Лаборатория химии «Ж» — вытяжной шкаф"),
]


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = fresh_database(tmp_path, monkeypatch)

    async def seed(uow_factory: UnitOfWorkFactory) -> None:
        async with uow_factory() as uow:
            for room in ROOMS:
                await uow.rooms.upsert(room)
            await uow.commit()

    in_database(url, seed)
    return url


def decoded_pages(pdf: bytes) -> list[list[str]]:
    """The text of every QR code found on each page, rendered at 150 dpi."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        pages = []
        for page in document:
            image = page.render(scale=150 / 72).to_pil()
            pages.append([code.text for code in zxingcpp.read_barcodes(image)])
        return pages
    finally:
        document.close()


def page_texts(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def test_the_sheet_of_14_rooms_decodes_to_every_link(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli(add_commands, "qr", "--out", "rooms.pdf", "--bot", "zavhoz_bot")

    assert code == 0
    assert "14 room(s)" in capsys.readouterr().out
    pdf = (tmp_path / "rooms.pdf").read_bytes()
    pages = decoded_pages(pdf)
    assert [len(found) for found in pages] == [12, 2]
    expected = sorted(LINK.format(room.code) for room in ROOMS)
    assert sorted(link for found in pages for link in found) == expected
    text = "".join(page_texts(pdf)).replace("\r", "").replace("\n", " ")
    for room in ROOMS[:12]:
        assert room.name in text
    assert "Лаборатория химии «Ж» — вытяжной шкаф" in text
    assert "Спортивный зал" in text  # the long name is wrapped and may be cut


def test_names_are_drawn_in_a_font_with_cyrillic() -> None:
    font = TTFont(str(qr.find_font()))

    assert set(map(ord, "Кабинет ЖЁёй«»—")) <= set(font.getBestCmap())


def test_chosen_rooms_only_and_a_username_with_at(url: str, tmp_path: Path) -> None:
    argv = ["qr", "--out", "two.pdf", "--bot", "@zavhoz_bot", "--room", "GYM", "--room", "k007"]

    assert cli(add_commands, *argv) == 0

    (found,) = decoded_pages((tmp_path / "two.pdf").read_bytes())
    assert sorted(found) == [LINK.format("gym"), LINK.format("k007")]


def test_one_room_as_png(url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli(add_commands, "qr", "--room", "lab_chem-2", "--out", "x.png", "--bot", "zavhoz_bot")

    assert code == 0
    assert "room lab_chem-2" in capsys.readouterr().out
    image = Image.open(io.BytesIO((tmp_path / "x.png").read_bytes()))
    assert image.format == "PNG"
    assert 200 <= image.width <= 1000
    assert image.height > image.width  # the name is under the code
    assert [c.text for c in zxingcpp.read_barcodes(image)] == [LINK.format("lab_chem-2")]


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (["--out", "x.png"], "a PNG holds one code"),
        (["--out", "x.png", "--room", "gym", "--room", "k001"], "a PNG holds one code"),
        (["--out", "x.pdf", "--room", "nope"], "no room nope"),
        (["--out", "x.pdf", "--room", "Каб 1"], '"Каб 1" is not a room code'),
        (["--out", "x.pdf", "--bot", "a b"], "is not a Telegram username"),
        (["--out", "x.pdf"], "--bot USERNAME, or set ZAVHOZ_BOT_TOKEN"),
    ],
)
def test_mistakes_are_one_line(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], error: str
) -> None:
    code = cli(add_commands, "qr", *argv)

    err = capsys.readouterr().err
    assert code == 1
    assert error in err
    assert len(err.splitlines()) == 1
    assert not (tmp_path / "x.png").exists()
    assert not (tmp_path / "x.pdf").exists()


def test_no_rooms_yet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fresh_database(tmp_path, monkeypatch)

    assert cli(add_commands, "qr", "--out", "rooms.pdf", "--bot", "zavhoz_bot") == 1
    assert "no rooms yet" in capsys.readouterr().err


@pytest.fixture
def telegram(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBotApi]:
    """A fake Bot API on its own event loop and thread, as the real one is to the command."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    api = asyncio.run_coroutine_threadsafe(FakeBotApi().__aenter__(), loop).result(10)
    monkeypatch.setenv("ZAVHOZ_TELEGRAM_API_URL", api.url)
    monkeypatch.setenv("ZAVHOZ_BOT_TOKEN", "123456:TEST-token")
    yield api
    asyncio.run_coroutine_threadsafe(api.__aexit__(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


def test_the_username_is_asked_from_telegram(
    url: str, telegram: FakeBotApi, tmp_path: Path
) -> None:
    assert cli(add_commands, "qr", "--room", "gym", "--out", "gym.png") == 0

    assert [call.method for call in telegram.calls] == ["getMe"]
    image = Image.open(tmp_path / "gym.png")
    assert [c.text for c in zxingcpp.read_barcodes(image)] == [LINK.format("gym")]

    assert cli(add_commands, "qr", "--room", "gym", "--out", "again.png") == 0
    assert [call.method for call in telegram.calls] == ["getMe"], "remembered, not asked again"


def remember_username(url: str, username: str) -> None:
    """What `zavhoz run` leaves in the database for `zavhoz qr`."""

    async def remember() -> None:
        engine = create_engine(url)
        try:
            await SqlRemembered(engine).remember(BOT_USERNAME, username)
        finally:
            await engine.dispose()

    asyncio.run(remember())


def test_the_username_the_last_run_remembered_is_used(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    remember_username(url, "remembered_bot")

    assert cli(add_commands, "qr", "--room", "gym", "--out", "gym.png") == 0

    assert "opening @remembered_bot" in capsys.readouterr().out
    image = Image.open(tmp_path / "gym.png")
    assert [c.text for c in zxingcpp.read_barcodes(image)] == [
        "https://t.me/remembered_bot?start=room_gym"
    ]


def test_bot_wins_over_the_remembered_username(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    remember_username(url, "remembered_bot")

    assert cli(add_commands, "qr", "--room", "gym", "--out", "gym.png", "--bot", "new_bot") == 0

    assert "opening @new_bot" in capsys.readouterr().out


def test_telegram_refusing_the_token_is_one_line(
    url: str, telegram: FakeBotApi, capsys: pytest.CaptureFixture[str]
) -> None:
    telegram.token_ok = False

    assert cli(add_commands, "qr", "--out", "rooms.pdf") == 1

    err = capsys.readouterr().err
    assert "could not ask Telegram" in err
    assert "--bot USERNAME" in err


def test_the_telegram_question_is_skipped_with_bot(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def unexpected(container: object) -> str:
        raise AssertionError("Telegram was asked although --bot was given")

    monkeypatch.setattr(cli_rooms, "ask_telegram_username", unexpected)

    assert cli(add_commands, "qr", "--out", "rooms.pdf", "--bot", "zavhoz_bot") == 0
