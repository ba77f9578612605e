"""``zavhoz users list|promote|demote|block|unblock|approve|decline``: people, by the operator.

The operator at the command line acts with every admin's rights (``actor_id=None``); the core's
rules still hold, so the last administrator cannot be demoted or blocked.
"""

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.application.use_cases._user_change import UserChange, UserCommand
from zavhoz.domain.errors import NotFound, NotPermitted
from zavhoz.domain.ids import OrgId, UserId
from zavhoz.domain.users import User, UserState
from zavhoz.main.cli_common import (
    CommandError,
    add_org_option,
    chosen_organization,
    run_command,
    table,
    with_container,
)

if TYPE_CHECKING:
    from zavhoz.adapters.telegram.services import Services
    from zavhoz.main.container import Container

Pick = Callable[["Services"], UserChange]

ACTIONS: dict[str, tuple[Pick, str, str]] = {
    "promote": (lambda s: s.promote_user, "promoted", "raise the role: staff → executor → admin"),
    "demote": (lambda s: s.demote_user, "demoted", "lower the role: admin → executor → staff"),
    "block": (lambda s: s.block_user, "blocked", "stop someone using the bot"),
    "unblock": (lambda s: s.unblock_user, "unblocked", "let a blocked person back in"),
    "approve": (lambda s: s.approve_user, "approved", "let in someone waiting for approval"),
    "decline": (lambda s: s.decline_user, "declined", "turn down someone waiting for approval"),
}
"""Each action: its use case among the container's services, the word for the result, its help."""


async def all_users(
    container: "Container", state: UserState | None, slug: str | None
) -> tuple[list[User], dict[OrgId, str]]:
    """Every membership (in ``state``, if given) in the ``--org`` organization and those
    below it, as people with their role and state there; and the slugs of those organizations."""
    chosen = await chosen_organization(container.uow_factory(), slug)
    people = await container.services().users.everyone(None, state, chosen.id)
    return people, await _slugs(container.uow_factory())


async def _slugs(uow_factory: UnitOfWorkFactory) -> dict[OrgId, str]:
    async with uow_factory(read_only=True) as uow:
        return {org.id: org.slug for org in await uow.organizations.all()}


def _list(arguments: argparse.Namespace) -> int:
    state = UserState(arguments.state) if arguments.state else None

    def body() -> int:
        people, slugs = with_container(lambda c: all_users(c, state, arguments.org))
        if not people:
            print(f"No {state.value} users." if state else "No users yet.")
            return 0
        print(_people(people, slugs))
        print(f"{len(people)} user(s)")
        return 0

    return run_command(body)


def _people(people: list[User], slugs: dict[OrgId, str]) -> str:
    """One line per membership; the organization's slug too when there are several."""
    several = len({p.organization for p in people}) > 1
    head = ["id", "name", "username", "role", "state", *(["organization"] if several else [])]
    rows = [
        (
            p.id,
            p.name,
            f"@{p.username}" if p.username else "",
            p.role.value,
            p.state.value,
            *([slugs.get(p.organization, str(p.organization))] if several else []),
        )
        for p in people
    ]
    return table(head, rows)


def refusal(user_id: int, action: str, reason: str) -> str:
    """Why the core said no, as the operator reads it."""
    state = reason.removeprefix("user_is_") if reason.startswith("user_is_") else None
    if reason == "last_admin":
        return f"refused: {user_id} is the last administrator"
    if reason == "already_admin":
        return f"refused: {user_id} is already an administrator"
    if reason == "already_staff":
        return f"refused: {user_id} is already staff, the lowest role"
    if state is not None and action in ("approve", "decline"):
        return f"refused: {user_id} is not waiting for approval (they are {state})"
    if state is not None and action == "unblock":
        return f"refused: {user_id} is not blocked (they are {state})"
    if state == "blocked":
        return f"refused: {user_id} is already blocked"
    if state == "pending":
        return f"refused: {user_id} is waiting for approval: approve or decline them instead"
    return f"refused: cannot {action} {user_id} ({reason})"


def _change(arguments: argparse.Namespace) -> int:
    action: str = arguments.users_action
    pick, done, _ = ACTIONS[action]
    user_id = UserId(arguments.user_id)

    async def work(container: "Container") -> User:
        service = pick(container.services())
        try:
            return await service(UserCommand(actor_id=None, user_id=user_id))
        except NotFound:
            raise CommandError(f"no user {user_id}") from None
        except NotPermitted as refused:
            raise CommandError(refusal(user_id, action, refused.reason)) from None

    def body() -> int:
        user = with_container(work)
        name = f" ({user.name})" if user.name else ""
        print(f"{done} {user.id}{name}: now {user.role.value}, {user.state.value}")
        return 0

    return run_command(body)


def add_commands(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """``users list [--state S]`` and ``users promote|demote|block|unblock|approve|decline ID``."""
    users = subparsers.add_parser("users", help="people: list them, change roles and access")
    actions = users.add_subparsers(dest="users_action", required=True)
    listing = actions.add_parser(
        "list",
        help="id, name, username, role and state of the members of an organization and below",
    )
    listing.add_argument(
        "--state", choices=[s.value for s in UserState], help="only people in this state"
    )
    add_org_option(listing)
    listing.set_defaults(handler=_list)
    for action, (_, _, help_text) in ACTIONS.items():
        change = actions.add_parser(action, help=help_text)
        change.add_argument("user_id", type=int, metavar="ID", help="the person's Telegram id")
        change.set_defaults(handler=_change)
