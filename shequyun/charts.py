"""Charts with a table twin (DESIGN §11): one spec feeds the ECharts figure, the accessible table and the xlsx export.

Build a :class:`Chart` in a selector, pass it to the template tag ``{% chart chart %}`` (shequyun/templatetags/
portal.py) and, for the export link, answer ``?export=<chart.key>`` with :func:`chart_xlsx_response`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse

from .exports import xlsx_response

TEXT_COLOUR = "#1d2125"
AXIS_COLOUR = "#5c636a"
FONTS = "system-ui, PingFang SC, Microsoft YaHei, sans-serif"


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

    @property
    def is_empty(self) -> bool:
        """No category or no value at all: the page says 暂无数据 instead of drawing empty axes."""
        return not self.categories or not any(v for s in self.series for v in s.data if v is not None)

    def as_option(self) -> dict[str, Any]:
        """An ECharts option; rendered with the SVG renderer and aria enabled by static/js/charts.js.

        Every text is #1d2125 on white (contrast 15:1, ECharts' default grey is not dark enough for small text);
        every category is labelled (``interval: 0``), rotated when there are many or long ones; the highest bar
        carries its value."""
        text = {"color": TEXT_COLOUR}
        if self.kind == "pie":
            data = [{"name": c, "value": v} for c, v in zip(self.categories, self.series[0].data, strict=False)]
            series: list[dict[str, Any]] = [{"type": "pie", "name": self.series[0].name, "radius": "60%", "data": data,
                                             "label": {**text}}]
            return {"textStyle": {**text, "fontFamily": FONTS}, "tooltip": {"trigger": "item"},
                    "legend": {"bottom": 0, "textStyle": text}, "series": series,
                    "aria": {"enabled": True, "description": self.description}}
        longest = max((len(c) for c in self.categories), default=0)
        rotate = 45 if len(self.categories) > 8 or longest * len(self.categories) > 48 else 0
        return {
            "textStyle": {**text, "fontFamily": FONTS},
            "color": ["#0a4aa8", "#a4161a", "#146c2e", "#8a4b00"],
            "tooltip": {"trigger": "axis"},
            "legend": {"bottom": 0, "textStyle": text} if len(self.series) > 1 else {"show": False},
            "grid": {"left": 16, "right": 16, "top": 32, "bottom": 40 if len(self.series) > 1 else 8,
                     "containLabel": True},
            "xAxis": {"type": "category", "data": self.categories,
                      "axisLabel": {**text, "interval": 0, "rotate": rotate, "hideOverlap": False},
                      "axisLine": {"lineStyle": {"color": AXIS_COLOUR}}, "axisTick": {"alignWithLabel": True}},
            "yAxis": {"type": "value", "name": self.unit, "nameTextStyle": text, "axisLabel": text,
                      "axisLine": {"lineStyle": {"color": AXIS_COLOUR}}},
            "series": [self._series_option(s) for s in self.series],
            "aria": {"enabled": True, "description": self.description},
        }

    def _series_option(self, series: Series) -> dict[str, Any]:
        option: dict[str, Any] = {"type": self.kind, "name": series.name, "data": list(series.data)}
        values = [v for v in series.data if v is not None]
        if self.kind == "bar" and values:
            top = series.data.index(max(values))
            option["data"][top] = {"value": series.data[top],
                                   "label": {"show": True, "position": "top", "color": TEXT_COLOUR,
                                             "fontWeight": "bold"}}
        return option

    def table_rows(self) -> list[list[Any]]:
        return [[c, *[s.data[i] for s in self.series]] for i, c in enumerate(self.categories)]

    def table_headers(self, first: str = "") -> list[str]:
        return [first or "类别", *[s.name for s in self.series]]


def chart_xlsx_response(*, request: HttpRequest, chart: Chart) -> HttpResponse:
    return xlsx_response(
        request=request, filename=f"{chart.title}.xlsx", title=chart.title,
        headers=chart.table_headers(), rows=chart.table_rows(), chart=chart.key,
    )
