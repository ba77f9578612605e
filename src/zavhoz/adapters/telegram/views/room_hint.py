"""A room's «Уже сообщили?» hint: the newest open requests there, before a new one is written."""

from collections.abc import Sequence

from zavhoz.adapters.telegram.i18n import Html, Texts
from zavhoz.adapters.telegram.views import words
from zavhoz.adapters.telegram.views.numbers import spoken
from zavhoz.domain.request import Request

HINT_REQUESTS = 5
"""Open requests listed in a room's hint (the newest); the rest are counted."""


def newest(active: Sequence[Request]) -> list[Request]:
    return sorted(active, key=lambda r: r.id, reverse=True)[:HINT_REQUESTS]


def room_hint(t: Texts, room_name: str, active: Sequence[Request]) -> str:
    shown = newest(active)
    lines = [t("wizard.room.hint", room=room_name)]
    lines += [
        t(
            "wizard.room.line",
            number=spoken(r),
            status=Html(words.status(t, r.status)),
            title=r.title,
        )
        for r in shown
    ]
    if len(active) > len(shown):
        lines.append(t("wizard.room.more", n=len(active) - len(shown)))
    lines += ["", t("wizard.room.footer")]
    return "\n".join(lines)
