"""The buttons on a push: the same callback data as on a card, so they act exactly alike.

Every button of a request carries ``v``, the version the push was written for: a button pressed
after the request changed answers with the current state instead (handlers/actions).
"""

import attrs
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from zavhoz.adapters.telegram.callbacks import Button, CardCb, UserCb
from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.keyboards._build import button, markup
from zavhoz.domain.workflow import Action

STARS = 5


class SlaWarningsCb(Button, prefix="sw"):
    """An admin's «🔕/🔔 предупреждения о сроках»: ``mute`` 1 or 0.

    ``id``/``v`` (the push's request) are only read: pushes sent before the handler kept the
    shown buttons carry them.
    """

    mute: int
    id: int = 0
    v: int = 0


@attrs.frozen
class Pushed:
    """The request a push is about: ``id`` for the buttons, ``number`` for people, ``version``."""

    id: int
    number: int
    version: int


def open_button(t: Texts, about: Pushed) -> InlineKeyboardButton:
    """«📄 Открыть №142»: the card as a new message, the push stays."""
    return button(
        t("notices.button.open", number=about.number),
        CardCb(id=about.id, action="open", v=about.version).pack(),
    )


def _act(t: Texts, about: Pushed, action: Action) -> InlineKeyboardButton:
    data = CardCb(id=about.id, action=action.value, v=about.version).pack()
    return button(t(f"card.button.{action.value}"), data)


def open_only(t: Texts, about: Pushed) -> InlineKeyboardMarkup:
    return markup([[open_button(t, about)]])


def new_request(t: Texts, about: Pushed, *, admin: bool) -> InlineKeyboardMarkup:
    """Admins: Take / Assign / Reject, then Open; executors (when told): Take and Open."""
    if not admin:
        return markup([[_act(t, about, Action.TAKE), open_button(t, about)]])
    actions = (Action.TAKE, Action.ASSIGN, Action.REJECT)
    return markup([[_act(t, about, action) for action in actions], [open_button(t, about)]])


def completed(t: Texts, about: Pushed) -> InlineKeyboardMarkup:
    """The author's «✅ Всё исправлено», «↩️ Не исправлено», ★1–5 and Open."""
    stars = [button("★" * n, _rate(about, n)) for n in range(1, STARS + 1)]
    return markup(
        [
            [_act(t, about, Action.CONFIRM), _act(t, about, Action.REOPEN)],
            stars,
            [open_button(t, about)],
        ]
    )


def _rate(about: Pushed, stars: int) -> str:
    return CardCb(id=about.id, action=Action.RATE.value, v=about.version, arg=str(stars)).pack()


def comment(t: Texts, about: Pushed) -> InlineKeyboardMarkup:
    """«💬 Ответить» (the card's comment action) and Open."""
    reply = button(
        t("notices.button.reply"),
        CardCb(id=about.id, action=Action.COMMENT.value, v=about.version).pack(),
    )
    return markup([[reply, open_button(t, about)]])


def registration(t: Texts, user_id: int) -> InlineKeyboardMarkup:
    """Approve / Decline, as on the person's card in «👥 Пользователи»."""
    return markup(
        [
            [
                button(t("users.button.approve"), UserCb(id=user_id, action="approve").pack()),
                button(t("users.button.decline"), UserCb(id=user_id, action="decline").pack()),
            ]
        ]
    )


def sla_warnings_toggle(t: Texts, *, muted: bool) -> InlineKeyboardButton:
    """«🔕 Не присылать…» while warnings come; «🔔 Присылать…» once muted."""
    key = "notices.button.unmute_sla_warnings" if muted else "notices.button.mute_sla_warnings"
    return button(t(key), SlaWarningsCb(mute=0 if muted else 1).pack())


def with_sla_toggle(t: Texts, *, muted: bool, about: Pushed | None = None) -> InlineKeyboardMarkup:
    """Open (when about a request) and the warnings toggle under it."""
    rows = [[open_button(t, about)]] if about else []
    return markup([*rows, [sla_warnings_toggle(t, muted=muted)]])


def toggled(shown: InlineKeyboardMarkup | None, t: Texts, *, muted: bool) -> InlineKeyboardMarkup:
    """The pressed push's buttons as they were (its «Открыть №N» keeps the number it shows),
    the warnings toggle turned to the opposite."""
    rows = shown.inline_keyboard if shown else []
    kept = [row for row in rows if not any(_is_toggle(b) for b in row)]
    return markup([*kept, [sla_warnings_toggle(t, muted=muted)]])


def _is_toggle(shown: InlineKeyboardButton) -> bool:
    head = f"{SlaWarningsCb.__prefix__}{SlaWarningsCb.__separator__}"
    return (shown.callback_data or "").startswith(head)
