"""The audit trail page (auditors, read-only): who did what to which object, field by field, filtered, paginated and
exported. The records themselves are read and put into words by accounts/audit_records.py."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shequyun.audit import change_entries_visible_to, events_visible_to
from shequyun.exports import xlsx_response
from shequyun.paging import paginate

from ..audit_records import Row, change_rows, event_rows
from ..filters import AuditEventFilter, ChangeEntryFilter
from ..permissions import can_read_audit_trail

VIEWS = {"changes": gettext_lazy("数据变更"), "events": gettext_lazy("安全事件")}


@login_required
def audit_trail_page(request: HttpRequest) -> HttpResponse:
    """The auditor's read-only trail (三员分立): field changes or security events, filtered, paged, exported."""


    if not can_read_audit_trail(request.user):
        raise PermissionDenied
    view = request.GET.get("view") if request.GET.get("view") in VIEWS else "changes"
    if view == "changes":
        base = change_entries_visible_to(request.user).select_related("actor", "content_type").order_by(
            "-timestamp", "-id")
        filterset: Any = ChangeEntryFilter(request.GET, queryset=base, request=request)
        to_rows = change_rows
    else:
        base = events_visible_to(request.user).select_related("actor").order_by("-created_at", "-id")
        filterset = AuditEventFilter(request.GET, queryset=base, request=request)
        to_rows = event_rows
    queryset = filterset.qs if filterset.is_valid() else base.none()
    if request.GET.get("export") == "xlsx":
        return _export(request, view, queryset, to_rows)
    paging = paginate(request, queryset, per_page=30)
    return render(request, "accounts/audit.html", {
        "view": view, "views": VIEWS, "view_title": VIEWS[view], "filter": filterset, "rows": to_rows(paging["page"].object_list, request.user),
        **paging, "export_query": paging["querystring"],
    }, status=200 if filterset.is_valid() else 400)


EXPORT_LIMIT = 50_000


def _export(request: HttpRequest, view: str, queryset: Any, to_rows: Any) -> HttpResponse:
    def rows() -> Iterable[list[str]]:
        batch: list[Any] = []
        for item in queryset[:EXPORT_LIMIT].iterator(chunk_size=500):
            batch.append(item)
            if len(batch) == 500:
                yield from (_export_row(r) for r in to_rows(batch, request.user))
                batch = []
        if batch:
            yield from (_export_row(r) for r in to_rows(batch, request.user))

    title = f"{_('审计日志')}·{VIEWS[view]}"
    return xlsx_response(
        request=request, filename=f"{title}.xlsx", title=title,
        headers=[_("时间"), _("操作人"), _("操作"), _("对象类型"), _("对象"), _("所属区域"), _("内容"), _("IP 地址")],
        rows=rows(),
    )


def _export_row(row: Row) -> list[str]:
    if row.changes:
        content = "；".join(f"{c.label}：{c.old} → {c.new}" for c in row.changes)
    else:
        content = "；".join(f"{label}：{value}" for label, value in row.detail)
    return [timezone.localtime(row.when).strftime("%Y-%m-%d %H:%M:%S"), row.who, row.action, row.type_label,
            row.object_label, row.region, content, row.ip]
