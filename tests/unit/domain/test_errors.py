"""Domain errors name the rule broken, in code and in words, for the adapters to explain."""

import pytest

from zavhoz.domain.errors import (
    AlreadyTaken,
    AlreadyYours,
    ConcurrentUpdate,
    DomainError,
    NotFound,
    NotPermitted,
    TransitionNotAllowed,
    ValidationFailed,
)
from zavhoz.domain.ids import UserId


@pytest.mark.parametrize(
    ("error", "code", "message"),
    [
        (
            ValidationFailed("location", "max_length", 100, 101),
            "validation_failed",
            "location: max_length (limit=100, actual=101)",
        ),
        (
            ValidationFailed("assignee", "same_assignee"),
            "validation_failed",
            "assignee: same_assignee (limit=None, actual=None)",
        ),
        (
            TransitionNotAllowed("cancelled", "take"),
            "transition_not_allowed",
            "cannot take a request in status cancelled",
        ),
        (
            NotPermitted("reject", "admins_only"),
            "not_permitted",
            "not permitted to reject: admins_only",
        ),
        (AlreadyTaken(UserId(201)), "already_taken", "already taken by 201"),
        (AlreadyYours(), "already_yours", "the request is already yours"),
        (NotFound("request", "142"), "not_found", "request 142 not found"),
        (
            ConcurrentUpdate("request", "142"),
            "concurrent_update",
            "request 142 was changed by someone else",
        ),
    ],
)
def test_each_error_has_a_code_and_a_message(error: DomainError, code: str, message: str) -> None:
    assert isinstance(error, DomainError)
    assert error.code == code
    assert str(error) == message
