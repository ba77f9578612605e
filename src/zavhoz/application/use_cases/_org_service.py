from zavhoz.application.org_settings import OrgSettings
from zavhoz.application.ports import Clock, UnitOfWorkFactory
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.use_cases._service import Service


class OrgSettingsService(Service):
    """A use case that reads or checks organizations' own settings."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        settings: WorkflowSettings,
        org_settings: OrgSettings,
    ) -> None:
        super().__init__(uow_factory, clock, settings)
        self._org_settings = org_settings
