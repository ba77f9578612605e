"""Attachments: the Bot API download limit and the count per request, comment or completion."""

import pytest

from zavhoz.domain.attachments import (
    MAX_ATTACHMENTS,
    MAX_DOCUMENT_BYTES,
    Attachment,
    AttachmentKind,
    check_count,
)
from zavhoz.domain.errors import ValidationFailed

MB = 1024 * 1024


def document(size: int | None) -> Attachment:
    return Attachment(
        file_id="f",
        file_unique_id="u",
        kind=AttachmentKind.DOCUMENT,
        mime_type="application/pdf",
        size=size,
        name="акт.pdf",
    )


def test_the_limits_are_those_of_domain_md() -> None:
    assert (MAX_ATTACHMENTS, MAX_DOCUMENT_BYTES) == (10, 20 * MB)


@pytest.mark.parametrize("size", [None, 0, 1, 20 * MB - 1, 20 * MB])
def test_a_document_up_to_20_mb_is_accepted(size: int | None) -> None:
    assert document(size).size == size


@pytest.mark.parametrize("size", [20 * MB + 1, 50 * MB])
def test_a_document_above_20_mb_is_refused(size: int) -> None:
    with pytest.raises(ValidationFailed) as refused:
        document(size)
    error = refused.value
    assert (error.field, error.rule, error.limit, error.actual) == (
        "attachment",
        "max_size",
        20 * MB,
        size,
    )


@pytest.mark.parametrize("count", [0, 1, 9, 10])
def test_up_to_ten_attachments_are_accepted(count: int) -> None:
    check_count([document(1)] * count)
    check_count(tuple([document(1)] * count))


@pytest.mark.parametrize("count", [11, 20])
def test_more_than_ten_attachments_are_refused(count: int) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_count([document(1)] * count)
    error = refused.value
    assert (error.field, error.rule, error.limit, error.actual) == (
        "attachments",
        "max_count",
        10,
        count,
    )
