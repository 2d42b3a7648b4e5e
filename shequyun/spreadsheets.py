"""Reading an uploaded spreadsheet (xlsx or csv), written once for every import (accounts, data-catalogue items).

Bounded before anything is parsed, so a small file cannot exhaust the server:

* the upload's size (``max_bytes``);
* for xlsx, the zip's declared uncompressed size (``MAX_UNPACKED_BYTES``: a 144 KB workbook can unpack to
  hundreds of MB) and each sheet's declared dimension (``<dimension ref="A1:G1000001"/>``);
* rows are streamed (openpyxl read-only mode, ``csv.reader``) and reading stops at ``max_rows + 1`` data rows,
  whatever the file declares — :data:`rows_read` counts them so a test can hold it to that.

The type is decided from the bytes (an xlsx is a zip with an Office content-types entry; a csv is text without
NUL bytes), never the name. Errors are ``ValidationError({"file": [...]})`` in plain Chinese.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: The largest a workbook may unpack to (all zip members together).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
_DIMENSION = re.compile(rb'<dimension\s+ref="[A-Z]+\d+:[A-Z]+(\d+)"')

#: Rows read by the last call in this process (for tests that hold the reader to its cap).
rows_read = 0


def read_table(
    *, content: bytes, columns: Mapping[str, Sequence[str]], required: Sequence[str], max_rows: int, max_bytes: int,
) -> list[dict[str, Any]]:
    """Rows as dicts keyed by our field names (``columns``: field → accepted header names, the first one shown in
    messages), each with its spreadsheet row number in ``_row``. Blank rows are skipped."""
    if len(content) > max_bytes:
        raise ValidationError({"file": [_("文件不能超过 %(mb)d MB。") % {"mb": max_bytes // (1024 * 1024)}]})
    kind = filetype.guess(content)
    if kind is not None and kind.extension in {"xlsx", "zip"}:
        table = _xlsx_rows(content, max_rows=max_rows)
    elif kind is None and content and b"\x00" not in content[:4096]:
        table = _csv_rows(content)
    else:
        raise ValidationError({"file": [_("只接受 xlsx 或 csv 文件（按文件内容识别，不看扩展名）。")]})
    return _rows(table, columns=columns, required=required, max_rows=max_rows)


def too_many(max_rows: int) -> ValidationError:
    return ValidationError({"file": [_("一次最多导入 %(n)s 行。") % {"n": f"{max_rows:,}"}]})


def _rows(
    table: Iterator[Sequence[Any]], *, columns: Mapping[str, Sequence[str]], required: Sequence[str], max_rows: int,
) -> list[dict[str, Any]]:
    global rows_read
    rows_read = 0
    header_row = next(table, None)
    if header_row is None:
        raise ValidationError({"file": [_("文件是空的。")]})
    header = [str(h or "").strip() for h in header_row]
    index: dict[str, int] = {}
    for key, names in columns.items():
        for i, h in enumerate(header):
            if h in names:
                index[key] = i
    missing = [columns[k][0] for k in required if k not in index]
    if missing:
        raise ValidationError({"file": [_("缺少列：%(cols)s") % {"cols": "、".join(missing)}]})
    rows = []
    for number, values in enumerate(islice(table, max_rows + 1), start=2):
        rows_read += 1
        if rows_read > max_rows:
            raise too_many(max_rows)
        if not any(str(v or "").strip() for v in values):
            continue
        row = {key: str(values[i]).strip() if i < len(values) and values[i] is not None else "" for key, i in index.items()}
        row["_row"] = number
        rows.append(row)
    if not rows:
        raise ValidationError({"file": [_("文件中没有数据行。")]})
    return rows


def _xlsx_rows(content: bytes, *, max_rows: int) -> Iterator[Sequence[Any]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise ValidationError({"file": [_("无法读取 xlsx 文件。")]}) from exc
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise ValidationError({"file": [_("表格解压后过大，请拆分后分批导入。")]})
    for member in members:
        if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
            with archive.open(member) as sheet_xml:
                head = sheet_xml.read(4096)  # the dimension element sits near the top
            declared = _DIMENSION.search(head)
            if declared and int(declared.group(1)) - 1 > max_rows:
                raise too_many(max_rows)
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        rows = sheet.iter_rows(values_only=True)
        yield from rows
    except ValidationError:
        raise
    except Exception as exc:  # a zip that is not a workbook, a damaged sheet
        raise ValidationError({"file": [_("无法读取 xlsx 文件。")]}) from exc


def _csv_rows(content: bytes) -> Iterator[Sequence[Any]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError({"file": [_("csv 文件编码无法识别（请使用 UTF-8 或 GB18030）。")]})
    try:
        yield from csv.reader(io.StringIO(text))
    except csv.Error as exc:
        raise ValidationError({"file": [_("csv 文件格式有误：%(e)s") % {"e": exc}]}) from exc
