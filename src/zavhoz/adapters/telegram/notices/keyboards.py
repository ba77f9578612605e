"""The buttons on a push: the same callback data as on a card, so they act exactly alike.

Every button of a request carries ``v``, the version the push was written for: a button pressed
after the request changed answers with the current state instead (handlers/actions).
"""

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from zavhoz.adapters.telegram.callbacks import Button, CardCb, UserCb
from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.keyboards._build import button, markup
from zavhoz.domain.workflow import Action

STARS = 5


class SlaWarningsCb(Button, prefix="sw"):
    """An admin's «🔕/🔔 предупреждения о сроках»: ``mute`` 1 or 0; ``id``/``v`` the push's request.

    The request (0 for none) lets the handler redraw the push's keyboard with its «Открыть №N».
    """

    mute: int
    id: int = 0
    v: int = 0


def open_button(t: Texts, request_id: int, version: int) -> InlineKeyboardButton:
    """«📄 Открыть №142»: the card as a new message, the push stays."""
    return button(
        t("notices.button.open", number=request_id),
        CardCb(id=request_id, action="open", v=version).pack(),
    )


def _act(t: Texts, request_id: int, version: int, action: Action) -> InlineKeyboardButton:
    data = CardCb(id=request_id, action=action.value, v=version).pack()
    return button(t(f"card.button.{action.value}"), data)


def open_only(t: Texts, request_id: int, version: int) -> InlineKeyboardMarkup:
    return markup([[open_button(t, request_id, version)]])


def new_request(t: Texts, request_id: int, version: int, *, admin: bool) -> InlineKeyboardMarkup:
    """Admins: Take / Assign / Reject, then Open; executors (when told): Take and Open."""
    if not admin:
        return markup(
            [[_act(t, request_id, version, Action.TAKE), open_button(t, request_id, version)]]
        )
    actions = (Action.TAKE, Action.ASSIGN, Action.REJECT)
    return markup(
        [
            [_act(t, request_id, version, action) for action in actions],
            [open_button(t, request_id, version)],
        ]
    )


def completed(t: Texts, request_id: int, version: int) -> InlineKeyboardMarkup:
    """The author's «✅ Всё исправлено», «↩️ Не исправлено», ★1–5 and Open."""
    stars = [
        button(
            "★" * n, CardCb(id=request_id, action=Action.RATE.value, v=version, arg=str(n)).pack()
        )
        for n in range(1, STARS + 1)
    ]
    return markup(
        [
            [
                _act(t, request_id, version, Action.CONFIRM),
                _act(t, request_id, version, Action.REOPEN),
            ],
            stars,
            [open_button(t, request_id, version)],
        ]
    )


def comment(t: Texts, request_id: int, version: int) -> InlineKeyboardMarkup:
    """«💬 Ответить» (the card's comment action) and Open."""
    reply = button(
        t("notices.button.reply"),
        CardCb(id=request_id, action=Action.COMMENT.value, v=version).pack(),
    )
    return markup([[reply, open_button(t, request_id, version)]])


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


def sla_warnings_toggle(
    t: Texts, *, muted: bool, request_id: int = 0, version: int = 0
) -> InlineKeyboardButton:
    """«🔕 Не присылать…» while warnings come; «🔔 Присылать…» once muted."""
    key = "notices.button.unmute_sla_warnings" if muted else "notices.button.mute_sla_warnings"
    data = SlaWarningsCb(mute=0 if muted else 1, id=request_id, v=version).pack()
    return button(t(key), data)


def with_sla_toggle(
    t: Texts, *, muted: bool, request_id: int = 0, version: int = 0
) -> InlineKeyboardMarkup:
    """Open (when about a request) and the warnings toggle under it."""
    rows = [[open_button(t, request_id, version)]] if request_id else []
    toggle = sla_warnings_toggle(t, muted=muted, request_id=request_id, version=version)
    return markup([*rows, [toggle]])
