from zavhoz.application.ports import Clock, UnitOfWorkFactory
from zavhoz.application.settings import WorkflowSettings


class Service:
    """Constructor injection shared by every use case and query."""

    def __init__(
        self, uow_factory: UnitOfWorkFactory, clock: Clock, settings: WorkflowSettings
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._settings = settings
