"""Template helpers used across the portal (DESIGN §11 formats)."""

from __future__ import annotations

import datetime
from typing import Any

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


@register.simple_tag(takes_context=True)
def districts_of(context: dict, objects: Any, attribute: str = "region") -> dict:
    """``{% districts_of page.object_list as districts %}`` → {object pk: its district's name} in one query, for
    the 所属区 column of city-level lists (empty for everyone below the city: the column is not shown)."""
    from django.apps import apps

    user = getattr(context.get("request"), "user", None)
    own = getattr(user, "region", None)
    if not (getattr(user, "is_superuser", False) or (own is not None and own.parent_id is None)):
        return {}
    paths = {}
    for obj in objects:
        region = obj
        for name in attribute.split("."):
            region = getattr(region, name, None)
        parts = (getattr(region, "path", "") or "").strip("/").split("/")
        if len(parts) >= 2:
            paths[obj.pk] = parts[1]
    names = dict(apps.get_model("accounts", "Region").objects.filter(code__in=set(paths.values()))
                 .values_list("code", "name"))
    return {pk: names.get(code, "") for pk, code in paths.items()} or {0: ""}


@register.filter
def error_count(form: Any) -> int:
    """Every message on a form (each field's and the form's own), for "请修正以下 N 处问题"."""
    return sum(len(errors) for errors in getattr(form, "errors", {}).values())


@register.filter
def percent(value: Any) -> str:
    """A fraction as a percentage a reader can use: 0.0022 → "0.22%", 0.153 → "15.3%", 1 → "100%"."""
    if value is None or value == "":
        return "—"
    number = float(value) * 100
    if number == 0:
        return "0%"
    digits = 2 if abs(number) < 1 else 1
    text = f"{number:.{digits}f}".rstrip("0").rstrip(".")
    return f"{text}%"


@register.filter
def data_value(value: Any) -> str:
    """A recorded value as it is, with its code-like parts (identifiers, JSON, addresses) in ``<code>`` so that
    they read as data, not as untranslated words."""
    import re

    from django.utils.html import escape, format_html
    from django.utils.safestring import mark_safe

    text = str(value)
    if text.isascii() and re.search(r"[A-Za-z]", text) or text.lstrip()[:1] in ("{", "["):
        return format_html('<code class="text-body">{}</code>', text)

    parts = []
    for piece in re.split(r"([A-Za-z_][A-Za-z0-9_.\-]*[A-Za-z0-9_]|[a-z])", text):
        code_like = re.fullmatch(r"[A-Za-z_][\w.\-]*", piece) and ("_" in piece or "." in piece or piece.islower())
        parts.append(format_html('<code class="text-body">{}</code>', piece) if code_like else escape(piece))
    return mark_safe("".join(parts))  # noqa: S308 — every piece escaped above


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.inclusion_tag("partials/chart.html")
def chart(chart: object) -> dict:
    """``{% chart chart %}``: an ECharts figure with its table twin and xlsx export link (shequyun/charts.py).
    Pages that use it load ``vendor/echarts/echarts.common.min.js`` and ``js/charts.js`` in ``{% block scripts %}``."""
    return {"chart": chart, "option_id": f"chart-{chart.key}-option"}  # type: ignore[attr-defined]
