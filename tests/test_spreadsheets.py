"""The shared spreadsheet reader is bounded: size, unpacked size, declared dimension and a hard row cap."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from shequyun import spreadsheets
from shequyun.spreadsheets import read_table

COLUMNS = {"name": ("姓名", "name"), "code": ("代码", "code")}


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read(content: bytes, max_rows: int = 10) -> list[dict]:
    return read_table(content=content, columns=COLUMNS, required=["name"], max_rows=max_rows, max_bytes=5 * 2**20)


def test_reads_xlsx_and_csv_alike():
    rows = [["姓名", "代码"], ["张三", "1"], [None, None], ["李四", 2]]
    assert read(xlsx(rows)) == [{"name": "张三", "code": "1", "_row": 2}, {"name": "李四", "code": "2", "_row": 4}]
    csv = "姓名,代码\n张三,1\n,\n李四,2\n".encode("gb18030")
    assert read(csv) == [{"name": "张三", "code": "1", "_row": 2}, {"name": "李四", "code": "2", "_row": 4}]


@pytest.mark.parametrize(("content", "message"), [
    (b"", "只接受"),
    (b"\x00\x01binary", "只接受"),
    (b"MZ\x90\x00" + b"\x00" * 100, "只接受"),  # an executable, whatever its name
    ("代码\n1\n".encode(), "缺少列：姓名"),
    ("姓名\n".encode(), "没有数据行"),
    (b"PK\x03\x04garbage-that-is-not-a-zip", "无法读取"),
])
def test_bad_files_name_the_field(content, message):
    with pytest.raises(ValidationError) as error:
        read(content)
    assert message in error.value.message_dict["file"][0]


def test_a_file_over_the_size_limit_is_refused_before_reading():
    with pytest.raises(ValidationError, match="不能超过"):
        read_table(content=b"x" * 2048, columns=COLUMNS, required=["name"], max_rows=10, max_bytes=1024)


def test_no_more_than_the_cap_plus_one_rows_are_read_whatever_the_file_declares():
    # A workbook with no <dimension> (as some generators write them) and 50 rows: reading stops at cap + 1.
    content = xlsx([["姓名"]] + [[f"人{i}"] for i in range(50)])
    stripped = _without_dimension(content)
    with pytest.raises(ValidationError, match="最多导入"):
        read(stripped, max_rows=10)
    assert spreadsheets.rows_read == 11
    csv = ("姓名\n" + "".join(f"人{i}\n" for i in range(50))).encode()
    with pytest.raises(ValidationError, match="最多导入"):
        read(csv, max_rows=10)
    assert spreadsheets.rows_read == 11


def test_a_declared_million_row_sheet_is_refused_from_its_dimension():
    content = million_row_workbook()
    assert len(content) < 2 * 2**20
    with pytest.raises(ValidationError, match="最多导入"):
        read_table(content=content, columns=COLUMNS, required=["name"], max_rows=10_000, max_bytes=5 * 2**20)
    assert spreadsheets.rows_read == 0  # refused before a single row was parsed


def test_a_zip_bomb_is_refused_from_its_declared_unpacked_size():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/worksheets/sheet1.xml", b"<a/>" + b" " * (60 * 2**20))
    with pytest.raises(ValidationError) as error:
        read(buffer.getvalue())
    assert "过大" in error.value.message_dict["file"][0] or "只接受" in error.value.message_dict["file"][0]


def _without_dimension(content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                import re

                data = re.sub(rb"<dimension[^>]*/>", b"", data)
            target.writestr(item, data)
    return buffer.getvalue()


def million_row_workbook(rows: int = 1_000_000) -> bytes:
    """A minimal xlsx whose one sheet holds ``rows`` one-cell rows, written directly (seconds, small on disk)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'))
        archive.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        archive.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'))
        body = '<row><c t="inlineStr"><is><t>x</t></is></c></row>' * rows  # row numbers are optional
        archive.writestr("xl/worksheets/sheet1.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main"><dimension ref="A1:A{rows + 1}"/><sheetData><row r="1"><c r="A1" '
            f't="inlineStr"><is><t>姓名</t></is></c></row>{body}</sheetData></worksheet>'))
    return buffer.getvalue()
