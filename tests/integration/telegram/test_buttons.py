"""A button's data is unpacked once and checked by its prefix before any handler's rule."""

from datetime import UTC, datetime

from aiogram import F, Router
from aiogram.types import CallbackQuery, Chat, Message, User

from zavhoz.adapters.telegram.callbacks import (
    ButtonFilter,
    CardCb,
    ListCb,
    WizardCb,
    only_its_buttons,
)
from zavhoz.adapters.telegram.dispatcher import feature_routers

PERSON = User(id=7, is_bot=False, first_name="Анна")


def pressed(data: str) -> CallbackQuery:
    message = Message(message_id=1, date=datetime.now(UTC), chat=Chat(id=7, type="private"))
    return CallbackQuery(id="q", from_user=PERSON, chat_instance="c", message=message, data=data)


async def test_a_button_is_unpacked_once_for_every_filter_that_looks_at_it() -> None:
    data = CardCb(id=12, action="take", v=3).pack()
    first = await CardCb.filter()(pressed(data))
    second = await CardCb.filter(F.action == "take")(pressed(data))
    assert first
    assert second
    assert first["callback_data"] is second["callback_data"]
    assert first["callback_data"] == CardCb(id=12, action="take", v=3)


async def test_another_kinds_data_a_forged_one_and_a_failed_rule_do_not_match() -> None:
    card = CardCb(id=12).pack()
    assert await ListCb.filter()(pressed(card)) is False
    assert await CardCb.filter()(pressed("r:12:take")) is False  # too few parts
    assert await CardCb.filter()(pressed("r:twelve:open:0:")) is False
    assert await WizardCb.filter()(pressed("wx:cat:")) is False  # another prefix, not "w"
    assert await CardCb.filter(F.action == "take")(pressed(card)) is False


async def test_a_router_looks_only_at_its_kinds_of_buttons_unless_one_handler_names_none() -> None:
    named, mixed = Router(), Router()

    async def handle(query: CallbackQuery) -> str:
        return "handled"

    named.callback_query.register(handle, CardCb.filter())
    mixed.callback_query.register(handle, CardCb.filter())
    mixed.callback_query.register(handle, F.data == "legacy")
    for router in (named, mixed):
        only_its_buttons(router)
    [kinds] = [f.callback for f in named.callback_query._handler.filters or []]
    assert await kinds(pressed(CardCb(id=1).pack())) is True
    assert await kinds(pressed(ListCb(kind="my").pack())) is False
    assert not mixed.callback_query._handler.filters


def test_only_the_wizard_router_takes_wizard_buttons_so_the_others_skip_them() -> None:
    takers = {
        router.name
        for router in feature_routers(with_reports=True)
        for handler in router.callback_query.handlers
        for check in handler.filters or []
        if isinstance(check.callback, ButtonFilter) and check.callback.callback_data is WizardCb
    }
    assert takers == {"wizard"}
