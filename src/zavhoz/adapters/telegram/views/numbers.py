"""The number people say for a request («№142», counted per organization), never its id."""

from zavhoz.domain.request import Request


def spoken(request: Request) -> int:
    """``request.number``; a request not numbered yet (0, not stored) is known by its id."""
    return request.number or int(request.id)
