"""What the bot may ask of the core: every use case and query, built by the composition root."""

from collections.abc import Mapping

import attrs

from zavhoz.application.org_settings import OrgSettings
from zavhoz.application.ports import Clock, UnitOfWorkFactory
from zavhoz.application.queries.get_user import GetUser
from zavhoz.application.queries.list_executors import ListExecutors
from zavhoz.application.queries.list_rooms import GetRoom, ListRooms
from zavhoz.application.queries.list_users import ListUsers
from zavhoz.application.queries.my_organizations import GetMyOrganizations
from zavhoz.application.queries.my_requests import GetMyRequests
from zavhoz.application.queries.open_in_room import GetOpenRequestsInRoom
from zavhoz.application.queries.organization_names import GetOrganizationNames
from zavhoz.application.queries.person import GetPerson
from zavhoz.application.queries.queue import GetQueue
from zavhoz.application.queries.recent_locations import GetRecentLocations
from zavhoz.application.queries.request_card import GetRequestCard
from zavhoz.application.queries.room_at import GetRoomAt
from zavhoz.application.queries.search import SearchRequests
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.use_cases.add_attachment import AddAttachment
from zavhoz.application.use_cases.add_comment import AddComment
from zavhoz.application.use_cases.approve_user import ApproveUser
from zavhoz.application.use_cases.assign_request import AssignRequest
from zavhoz.application.use_cases.block_user import BlockUser
from zavhoz.application.use_cases.cancel_request import CancelRequest
from zavhoz.application.use_cases.change_priority import ChangePriority
from zavhoz.application.use_cases.complete_request import CompleteRequest
from zavhoz.application.use_cases.confirm_request import ConfirmRequest
from zavhoz.application.use_cases.create_request import CreateRequest
from zavhoz.application.use_cases.decline_user import DeclineUser
from zavhoz.application.use_cases.demote_user import DemoteUser
from zavhoz.application.use_cases.hold_request import HoldRequest
from zavhoz.application.use_cases.join_by_room import JoinByRoom
from zavhoz.application.use_cases.join_organization import JoinOrganization
from zavhoz.application.use_cases.promote_user import PromoteUser
from zavhoz.application.use_cases.rate_request import RateRequest
from zavhoz.application.use_cases.reassign_request import ReassignRequest
from zavhoz.application.use_cases.register_user import RegisterUser
from zavhoz.application.use_cases.reject_request import RejectRequest
from zavhoz.application.use_cases.reopen_request import ReopenRequest
from zavhoz.application.use_cases.resume_request import ResumeRequest
from zavhoz.application.use_cases.set_sla_warnings import SetSlaWarnings
from zavhoz.application.use_cases.switch_organization import SwitchOrganization
from zavhoz.application.use_cases.take_request import TakeRequest
from zavhoz.application.use_cases.unblock_user import UnblockUser
from zavhoz.application.use_cases.watch_request import WatchRequest


@attrs.frozen(kw_only=True)
class Services:
    settings: WorkflowSettings
    clock: Clock
    """The core's clock, so screens show the same "now" as the use cases (a fake one in tests)."""
    register_user: RegisterUser
    get_user: GetUser
    create_request: CreateRequest
    take: TakeRequest
    assign: AssignRequest
    reassign: ReassignRequest
    hold: HoldRequest
    resume: ResumeRequest
    complete: CompleteRequest
    reject: RejectRequest
    cancel: CancelRequest
    reopen: ReopenRequest
    confirm: ConfirmRequest
    rate: RateRequest
    change_priority: ChangePriority
    add_comment: AddComment
    add_attachment: AddAttachment
    watch: WatchRequest
    set_sla_warnings: SetSlaWarnings
    approve_user: ApproveUser
    decline_user: DeclineUser
    block_user: BlockUser
    unblock_user: UnblockUser
    promote_user: PromoteUser
    demote_user: DemoteUser
    my_requests: GetMyRequests
    queue: GetQueue
    search: SearchRequests
    card: GetRequestCard
    open_in_room: GetOpenRequestsInRoom
    recent_locations: GetRecentLocations
    rooms: ListRooms
    room: GetRoom
    executors: ListExecutors
    users: ListUsers
    person: GetPerson
    join: JoinOrganization
    switch: SwitchOrganization
    my_organizations: GetMyOrganizations
    organization_names: GetOrganizationNames
    room_at: GetRoomAt
    join_by_room: JoinByRoom


@attrs.frozen
class EnvironmentOnly:
    """Organizations' settings where none may be set: every one works by the environment's."""

    settings: WorkflowSettings
    keys: tuple[str, ...] = ()
    environment: Mapping[str, str] = attrs.field(factory=dict)

    def check(self, merged: Mapping[str, str]) -> None:
        """Nothing to check: no organization sets anything here."""

    def workflow(self, merged: Mapping[str, str]) -> WorkflowSettings:
        return self.settings


def build_services(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    settings: WorkflowSettings,
    org_settings: OrgSettings | None = None,
) -> Services:
    """Every use case and query of ``Services`` over the same ports (the container's provider).

    Without ``org_settings`` (tests), organizations work by ``settings`` alone."""
    ports = (uow_factory, clock, settings)
    per_org = org_settings or EnvironmentOnly(settings)
    return Services(
        settings=settings,
        clock=clock,
        register_user=RegisterUser(*ports),
        get_user=GetUser(*ports),
        create_request=CreateRequest(*ports),
        take=TakeRequest(*ports),
        assign=AssignRequest(*ports),
        reassign=ReassignRequest(*ports),
        hold=HoldRequest(*ports),
        resume=ResumeRequest(*ports),
        complete=CompleteRequest(*ports),
        reject=RejectRequest(*ports),
        cancel=CancelRequest(*ports),
        reopen=ReopenRequest(*ports),
        confirm=ConfirmRequest(*ports),
        rate=RateRequest(*ports),
        change_priority=ChangePriority(*ports),
        add_comment=AddComment(*ports),
        add_attachment=AddAttachment(*ports),
        watch=WatchRequest(*ports),
        set_sla_warnings=SetSlaWarnings(*ports),
        approve_user=ApproveUser(*ports),
        decline_user=DeclineUser(*ports),
        block_user=BlockUser(*ports),
        unblock_user=UnblockUser(*ports),
        promote_user=PromoteUser(*ports),
        demote_user=DemoteUser(*ports),
        my_requests=GetMyRequests(*ports),
        queue=GetQueue(*ports),
        search=SearchRequests(*ports),
        card=GetRequestCard(*ports),
        open_in_room=GetOpenRequestsInRoom(*ports),
        recent_locations=GetRecentLocations(*ports),
        rooms=ListRooms(*ports),
        room=GetRoom(*ports),
        executors=ListExecutors(*ports),
        users=ListUsers(*ports),
        person=GetPerson(*ports),
        join=JoinOrganization(*ports, per_org),
        switch=SwitchOrganization(*ports),
        my_organizations=GetMyOrganizations(*ports),
        organization_names=GetOrganizationNames(*ports),
        room_at=GetRoomAt(*ports),
        join_by_room=JoinByRoom(*ports, per_org),
    )
