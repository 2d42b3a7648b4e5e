"""Spreadsheet export, written once: every export carries a watermark naming who exported it and when, and is
recorded in the audit trail. Callers pass rows that are already masked (personal data is never exported in clear).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .audit import AuditEventType, record_event

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def watermark_text(user: Any, when: Any = None) -> str:
    when = timezone.localtime(when or timezone.now())
    name = getattr(user, "display_name", "") or getattr(user, "username", "")
    return f"导出人：{name}（{user.username}）  导出时间：{when:%Y-%m-%d %H:%M:%S}  仅限工作使用，请勿外传"


def _safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formula injection: text starting with = + - @ is stored as text. A date-time is
    written in Shanghai time (the portal's time zone), never in UTC; a lazy translation (a choice label) as its text."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def build_xlsx(*, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], user: Any) -> bytes:
    """A one-sheet workbook: watermark row, title row, header row, then the data (streamed row by row)."""
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31] or "export"
    width = max(len(headers), 1)
    sheet.append([watermark_text(user)])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(row=1, column=1).font = Font(color="9C0006", italic=True)
    sheet.cell(row=1, column=1).fill = PatternFill("solid", fgColor="FFEB9C")
    sheet.append([title])
    sheet.cell(row=2, column=1).font = Font(bold=True, size=14)
    sheet.append([str(h) if isinstance(h, Promise) else h for h in headers])
    for column in range(1, width + 1):
        cell = sheet.cell(row=3, column=column)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        sheet.column_dimensions[get_column_letter(column)].width = 18
    for row in rows:
        sheet.append([_safe_cell(value) for value in row])
    sheet.freeze_panes = "A4"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(
    *, request: HttpRequest, filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]],
    **audit_extra: Any,
) -> HttpResponse:
    """Build the workbook, record the export (who, what, how many rows) and answer with the file."""
    materialised = [list(row) for row in rows]
    content = build_xlsx(title=title, headers=headers, rows=materialised, user=request.user)
    record_event(
        AuditEventType.EXPORT, actor=request.user, request=request, title=title, rows=len(materialised), **audit_extra
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
