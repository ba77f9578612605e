"""The polling ledger: the offset confirms only the updates whose handling finished."""

from aiogram.types import Update

from zavhoz.main.polling import Ledger


def updates(*ids: int) -> list[Update]:
    return [Update(update_id=update_id) for update_id in ids]


def test_nothing_fetched_confirms_nothing() -> None:
    assert Ledger().offset is None


def test_the_offset_stays_at_the_oldest_unfinished_update() -> None:
    ledger = Ledger()
    assert [u.update_id for u in ledger.fresh(updates(5, 6, 7))] == [5, 6, 7]
    ledger.finished(6)
    ledger.finished(7)
    assert ledger.offset == 5, "5 is still being handled: Telegram must send it again"
    ledger.finished(5)
    assert ledger.offset == 8


def test_updates_sent_again_are_not_handled_twice() -> None:
    ledger = Ledger()
    ledger.fresh(updates(5, 6))
    ledger.finished(6)
    assert [u.update_id for u in ledger.fresh(updates(5, 6, 7))] == [7]
    assert ledger.offset == 5
