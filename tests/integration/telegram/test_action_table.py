"""The action table is complete: every action a card offers has a row, every row its words."""

import pytest

from zavhoz.adapters.telegram.handlers.actions.table import CARD_LAYOUT, ROWS, Ask, Row
from zavhoz.adapters.telegram.i18n import Translator
from zavhoz.domain.workflow import Action

ASKING = frozenset({Ask.STARS, Ask.PERSON, Ask.PRIORITY, Ask.TEXT, Ask.REPORT})
TYPED = frozenset({Ask.STARS, Ask.TEXT, Ask.REPORT})


def keys(row: Row) -> list[str]:
    """The locale keys the flow reads for ``row``."""
    action = row.action.value
    found = [f"act.done.{action}", row.stop]
    found += [f"card.button.{action}"] if row.asks is not Ask.STARS else []
    found += [f"act.ask.{action}"] if row.asks in ASKING else []
    found += [f"act.verb.{action}"] if row.guarded and row.asks in TYPED else []
    found += [key for key in (row.skip, row.done_with_text) if key]
    return [f"act.done.{key}" if key == row.done_with_text else key for key in found]


def test_every_action_but_adding_a_file_has_a_row() -> None:
    """Adding a file to a request has no card button (yet)."""
    assert {Action(action) for action in ROWS} == set(Action) - {Action.ADD_ATTACHMENT}


def test_the_card_keeps_its_layout_in_the_order_of_the_table() -> None:
    """New actions join a line (or a new one); the buttons people know stay where they were."""
    known = (
        (Action.TAKE, Action.COMPLETE, Action.HOLD, Action.RESUME),
        (Action.ASSIGN, Action.REASSIGN, Action.REJECT, Action.CHANGE_PRIORITY),
        (Action.CONFIRM, Action.REOPEN, Action.CANCEL),
        (Action.COMMENT, Action.INTERNAL_NOTE, Action.WATCH),
    )

    assert [line[: len(was)] for line, was in zip(CARD_LAYOUT, known, strict=False)] == list(known)
    assert all(len(line) <= 4 for line in CARD_LAYOUT), "four buttons fit a phone's width"


@pytest.mark.parametrize("row", list(ROWS.values()), ids=list(ROWS))
@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_row_has_its_words_in_both_languages(row: Row, language: str) -> None:
    t = Translator().for_language(language)

    assert [key for key in keys(row) if not t.has(key)] == []


@pytest.mark.parametrize(
    "row", [r for r in ROWS.values() if r.asks in TYPED], ids=lambda r: r.action.value
)
def test_a_question_states_the_rows_own_limits(row: Row) -> None:
    t = Translator().for_language("ru")
    assert row.rule is not None

    question = t(f"act.ask.{row.action}", number=1, stars="★", **row.limits())

    assert str(row.rule.max_length) in question
