"""The organization switcher's buttons: the current one to open the list, then each one."""

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from zavhoz.adapters.telegram.callbacks import OrgCb, WizardCb
from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.views.words import role
from zavhoz.domain.ids import OrgId
from zavhoz.domain.organizations import Membership, Organization

Mine = list[tuple[Organization, Membership]]


def switch_keyboard(t: Texts, current: str) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(
        text=t("orgs.switch", name=current), callback_data=OrgCb(action="list").pack()
    )
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


def choice_keyboard(t: Texts, mine: Mine, current: OrgId) -> InlineKeyboardMarkup:
    """One organization a row, the current one ticked."""
    rows = [[_option(t, org, membership, current)] for org, membership in mine]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _option(
    t: Texts, org: Organization, membership: Membership, current: OrgId
) -> InlineKeyboardButton:
    key = "orgs.option_current" if org.id == current else "orgs.option"
    return InlineKeyboardButton(
        text=t(key, name=org.name, role=role(t, membership.role)),
        callback_data=OrgCb(action="to", id=org.id).pack(),
    )


def join_keyboard(t: Texts, name: str, button: WizardCb) -> InlineKeyboardMarkup:
    """«Вступить» into the organization a room's QR code belongs to."""
    join = InlineKeyboardButton(text=t("orgs.join", name=name), callback_data=button.pack())
    return InlineKeyboardMarkup(inline_keyboard=[[join]])
