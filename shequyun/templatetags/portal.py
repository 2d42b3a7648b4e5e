"""Template helpers used across the portal (DESIGN §11 formats)."""

from __future__ import annotations

import datetime

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def group_digits(value: object) -> str:
    """1234567 → "1,234,567" in every language (zh-hans has no thousands separator of its own)."""
    try:
        return f"{int(value):,}"  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return "" if value is None else str(value)


@register.filter
def prose_date(value: datetime.date | datetime.datetime | None) -> str:
    """2026-01-05 → "2026年1月5日" in Chinese prose, "5 January 2026" in English."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if (get_language() or "zh-hans").startswith("zh"):
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {value:%B} {value.year}"


@register.filter
def elided_pages(page: object) -> list:
    """Page numbers around the current one, with ellipses (for a page that was not built by ``paginate()``)."""
    paginator = page.paginator  # type: ignore[attr-defined]
    return list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))  # type: ignore[attr-defined]


@register.inclusion_tag("partials/region_cascade.html", takes_context=True)
def region_cascade(context: dict, name: str, value: str = "", label: str = "") -> dict:
    """District → street → village selects choosing one ``<name>=<code>`` value (shequyun/region_picker.py)."""
    from shequyun.region_picker import cascade_context

    request = context.get("request")
    return cascade_context(getattr(request, "user", None), name=name, value=value or "", label=label or None)


@register.inclusion_tag("partials/chart.html")
def chart(chart: object) -> dict:
    """``{% chart chart %}``: an ECharts figure with its table twin and xlsx export link (shequyun/charts.py).
    Pages that use it load ``vendor/echarts/echarts.common.min.js`` and ``js/charts.js`` in ``{% block scripts %}``."""
    return {"chart": chart, "option_id": f"chart-{chart.key}-option"}  # type: ignore[attr-defined]
