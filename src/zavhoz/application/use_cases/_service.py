from zavhoz.application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from zavhoz.application.settings import WorkflowSettings


class Service:
    """Constructor injection shared by every use case and query."""

    def __init__(
        self, uow_factory: UnitOfWorkFactory, clock: Clock, settings: WorkflowSettings
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._settings = settings

    def _reading(self) -> UnitOfWork:
        """A unit of work for queries: it reads without waiting for writers."""
        return self._uow_factory(read_only=True)
