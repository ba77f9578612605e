"""Printable QR codes of the room registry: one PNG, or A4 PDF sheets of many.

Each code opens the bot with the room filled in: ``https://t.me/<bot>?start=<parameter>``, where
the parameter names the room's organization too (see ``start_parameter``). The codes are drawn
as vector squares in the PDF (sharp at any printer resolution) with the room's name under each,
in a TrueType font with Cyrillic found on this machine (matplotlib's bundled DejaVu Sans first),
so nothing is downloaded.
"""

import importlib.util
import io
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import segno
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from zavhoz.domain.ids import FIRST_ORG
from zavhoz.domain.rooms import Room

_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
QUIET_ZONE = 4
"""Light modules around a code, as the QR standard asks, so scanners find its edges."""
FONT_NAME = "ZavhozSans"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/Supplemental/Arial.ttf",
    "C:/Windows/Fonts/arial.ttf",
)
"""Where else a font with Cyrillic usually is, when matplotlib's is not installed."""


class FontNotFound(Exception):
    """No TrueType font with Cyrillic on this machine."""

    def __init__(self) -> None:
        super().__init__(
            "no TrueType font with Cyrillic found: install matplotlib (it ships DejaVu Sans) "
            "or the fonts-dejavu-core package"
        )


def bot_username(raw: str) -> str:
    """A bot's username without the ``@``; ``ValueError`` if it cannot be one."""
    username = raw.strip().removeprefix("@")
    if not _USERNAME.fullmatch(username):
        raise ValueError(f"{raw!r} is not a Telegram username (5-32 of A-Z, a-z, 0-9, _)")
    return username


def start_parameter(room: Room) -> str:
    """What a room's link tells the bot: ``r_<organization id>_<code>``, or ``room_<code>`` for a
    room of the first organization (the links printed before organizations existed).

    The organization goes by its id, not its slug: a slug may be changed, a printed code may
    not. The id is digits only, so the first ``_`` after ``r_<digits>`` ends it, whatever ``_``
    and ``-`` the code holds (``r_12_gym_2`` is room ``gym_2`` of organization 12). At most
    ``2 + 12 + 1 + 32 = 47`` characters of ``A-Za-z0-9_-``: within Telegram's 64.
    """
    if room.organization == FIRST_ORG:
        return f"room_{room.code}"
    return f"r_{room.organization}_{room.code}"


def room_link(bot: str, room: Room) -> str:
    """The deep link that opens ``bot`` with ``room`` filled in."""
    return f"https://t.me/{bot_username(bot)}?start={start_parameter(room)}"


def find_font() -> Path:
    """A TrueType font with Cyrillic: matplotlib's DejaVu Sans, else a system one."""
    spec = importlib.util.find_spec("matplotlib")  # located, not imported
    bundled = []
    if spec is not None and spec.origin is not None:
        bundled.append(Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf")
    for path in [*bundled, *map(Path, FONT_CANDIDATES)]:
        if path.is_file():
            return path
    raise FontNotFound


def _matrix(link: str) -> list[list[bool]]:
    code = segno.make_qr(link, error="m")
    return [[bool(module) for module in row] for row in code.matrix]


def _wrap(text: str, width: float, measure: Callable[[str], float], max_lines: int) -> list[str]:
    """``text`` in at most ``max_lines`` lines no wider than ``width``; the last one cut with …"""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if measure(candidate) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    lines = [_fit(line, width, measure) for line in lines]
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], _fit(lines[max_lines - 1] + " …", width, measure)]
        if not lines[-1].endswith("…"):
            lines[-1] = _fit(lines[-1] + "…", width, measure)
    return lines


def _fit(line: str, width: float, measure: Callable[[str], float]) -> str:
    if measure(line) <= width:
        return line
    while line and measure(line + "…") > width:
        line = line[:-1]
    return line.rstrip() + "…"


# --- one PNG ---------------------------------------------------------------------------------


def room_png(room: Room, bot: str, *, module_pixels: int = 10) -> bytes:
    """One room's code as a PNG, its name (and code) under it."""
    matrix = _matrix(room_link(bot, room))
    size = (len(matrix) + 2 * QUIET_ZONE) * module_pixels
    font_path = str(find_font())
    name_font = ImageFont.truetype(font_path, max(12, size // 14))
    code_font = ImageFont.truetype(font_path, max(10, size // 22))

    def measure(text: str) -> float:
        return name_font.getlength(text)

    lines = _wrap(room.name, size - 2 * QUIET_ZONE * module_pixels, measure, 3)
    line_height = int(name_font.size * 1.25)
    caption = line_height * len(lines) + int(code_font.size * 1.6) + QUIET_ZONE * module_pixels
    image = Image.new("L", (size, size + caption), 255)
    draw = ImageDraw.Draw(image)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                left = (x + QUIET_ZONE) * module_pixels
                top = (y + QUIET_ZONE) * module_pixels
                draw.rectangle(
                    (left, top, left + module_pixels - 1, top + module_pixels - 1), fill=0
                )
    top = size
    for line in lines:
        draw.text((size / 2, top), line, font=name_font, fill=0, anchor="ma")
        top += line_height
    draw.text(
        (size / 2, top + code_font.size * 0.3), room.code, font=code_font, fill=96, anchor="ma"
    )
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()


# --- the A4 sheet ----------------------------------------------------------------------------


def rooms_pdf(rooms: Sequence[Room], bot: str, *, columns: int = 3, rows: int = 4) -> bytes:
    """A4 pages of ``columns`` × ``rows`` codes, each with the room's name under it, cut lines
    between them."""
    if columns < 1 or rows < 1:
        raise ValueError("at least one column and one row")
    username = bot_username(bot)
    _register_font()
    output = io.BytesIO()
    canvas = Canvas(output, pagesize=A4, invariant=True)
    canvas.setTitle("Room QR codes")
    canvas.setAuthor(f"@{username}")
    page_width, page_height = A4
    margin = 10 * mm
    cell_width = (page_width - 2 * margin) / columns
    cell_height = (page_height - 2 * margin) / rows
    per_page = columns * rows
    for start in range(0, len(rooms), per_page):
        if start:
            canvas.showPage()
        _cut_lines(canvas, margin, cell_width, cell_height, columns, rows)
        for index, room in enumerate(rooms[start : start + per_page]):
            column, row = index % columns, index // columns
            left = margin + column * cell_width
            top = page_height - margin - row * cell_height
            _cell(canvas, room, username, left, top, cell_width, cell_height)
    canvas.save()
    return output.getvalue()


def _register_font() -> None:
    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(find_font())))


def _cut_lines(
    canvas: Canvas, margin: float, width: float, height: float, columns: int, rows: int
) -> None:
    canvas.saveState()
    canvas.setStrokeGray(0.8)
    canvas.setLineWidth(0.3)
    canvas.setDash(2, 3)
    for column in range(columns + 1):
        x = margin + column * width
        canvas.line(x, margin, x, margin + rows * height)
    for row in range(rows + 1):
        y = margin + row * height
        canvas.line(margin, y, margin + columns * width, y)
    canvas.restoreState()


def _cell(
    canvas: Canvas, room: Room, bot: str, left: float, top: float, width: float, height: float
) -> None:
    name_size, code_size = 11.0, 7.5
    caption = 3 * name_size * 1.2 + code_size * 2
    side = min(width - 6 * mm, height - caption - 6 * mm)
    matrix = _matrix(room_link(bot, room))
    module = side / (len(matrix) + 2 * QUIET_ZONE)
    qr_left = left + (width - side) / 2
    qr_top = top - 3 * mm
    path = canvas.beginPath()
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            run = x
            while run < len(row) and row[run]:
                run += 1
            path.rect(
                qr_left + (x + QUIET_ZONE) * module,
                qr_top - (y + QUIET_ZONE + 1) * module,
                (run - x) * module,
                module,
            )
            x = run
    canvas.setFillGray(0)
    canvas.drawPath(path, stroke=0, fill=1)

    def measure(text: str) -> float:
        return float(pdfmetrics.stringWidth(text, FONT_NAME, name_size))

    center = left + width / 2
    baseline = qr_top - side - name_size * 0.2
    canvas.setFont(FONT_NAME, name_size)
    for line in _wrap(room.name, width - 8 * mm, measure, 3):
        canvas.drawCentredString(center, baseline, line)
        baseline -= name_size * 1.2
    canvas.setFont(FONT_NAME, code_size)
    canvas.setFillGray(0.4)
    canvas.drawCentredString(center, baseline - code_size * 0.3, room.code)
