"""What the «📊 Статистика» and «📤 Экспорт» screens ask of the core and of the report drawers.

Built by the composition root and put into the dispatcher as handler data ``reports``
(``dispatcher["reports"] = ReportServices(...)``): the chart and spreadsheet adapters reach the
handlers through their ports, so the Telegram adapter imports no other adapter.
"""

import attrs

from zavhoz.application.queries.export_requests import ExportRequests
from zavhoz.application.queries.get_statistics import GetStatistics
from zavhoz.application.statistics import ChartRenderer, SpreadsheetWriter


@attrs.frozen(kw_only=True)
class ReportServices:
    get_statistics: GetStatistics
    charts: ChartRenderer
    export: ExportRequests
    spreadsheet: SpreadsheetWriter
