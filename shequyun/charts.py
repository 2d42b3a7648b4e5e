"""Charts with a table twin (DESIGN §11): one spec feeds the ECharts figure, the accessible table and the xlsx export.

Build a :class:`Chart` in a selector, pass it to the template tag ``{% chart chart %}`` (shequyun/templatetags/
portal.py) and, for the export link, answer ``?export=<chart.key>`` with :func:`chart_xlsx_response`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse

from .exports import xlsx_response


@dataclass
class Series:
    name: str
    data: list[float | int | None]


@dataclass
class Chart:
    key: str  # unique on the page, used in element ids and ?export=<key>
    title: str
    description: str  # what the chart shows, read by screen readers (aria) and shown as the caption
    kind: Literal["bar", "line", "pie"]
    categories: list[str]
    series: list[Series] = field(default_factory=list)
    unit: str = ""

    def as_option(self) -> dict[str, Any]:
        """An ECharts option; rendered with the SVG renderer and aria enabled by static/js/charts.js."""
        if self.kind == "pie":
            data = [{"name": c, "value": v} for c, v in zip(self.categories, self.series[0].data, strict=False)]
            series: list[dict[str, Any]] = [{"type": "pie", "name": self.series[0].name, "radius": "60%", "data": data}]
            return {"tooltip": {"trigger": "item"}, "legend": {"bottom": 0}, "series": series,
                    "aria": {"enabled": True, "description": self.description}}
        return {
            "textStyle": {"color": "#1d2125", "fontFamily": "system-ui, PingFang SC, Microsoft YaHei, sans-serif"},
            "color": ["#0a4aa8", "#a4161a", "#146c2e", "#8a4b00"],
            "tooltip": {"trigger": "axis"},
            "legend": {"bottom": 0} if len(self.series) > 1 else {"show": False},
            "grid": {"left": 48, "right": 16, "top": 24, "bottom": 48},
            "xAxis": {"type": "category", "data": self.categories},
            "yAxis": {"type": "value", "name": self.unit},
            "series": [{"type": self.kind, "name": s.name, "data": s.data} for s in self.series],
            "aria": {"enabled": True, "description": self.description},
        }

    def table_rows(self) -> list[list[Any]]:
        return [[c, *[s.data[i] for s in self.series]] for i, c in enumerate(self.categories)]

    def table_headers(self, first: str = "") -> list[str]:
        return [first or "类别", *[s.name for s in self.series]]


def chart_xlsx_response(*, request: HttpRequest, chart: Chart) -> HttpResponse:
    return xlsx_response(
        request=request, filename=f"{chart.title}.xlsx", title=chart.title,
        headers=chart.table_headers(), rows=chart.table_rows(), chart=chart.key,
    )
