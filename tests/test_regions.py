"""The division loader and the region tree."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from accounts.models import Region, RegionLevel
from accounts.services.regions import DivisionFileError, regions_load


@pytest.mark.django_db
def test_real_file_loads_exact_counts_per_level(regions):
    counts = {level: Region.objects.filter(level=level).count() for level in RegionLevel.values}
    assert counts == {"city": 1, "district": 16, "street": 234, "village": 6509}
    assert Region.objects.count() == 6760
    assert Region.objects.filter(is_placeholder=True).count() == 13
    assert Region.objects.filter(parent__code="310115015000").count() == 39  # 东明路街道's committees


@pytest.mark.django_db
def test_loader_is_idempotent(regions):
    report = regions_load(csv_path=settings.DIVISIONS_CSV)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 6760)
    assert Region.objects.count() == 6760


def _write(rows: list[dict[str, str]], path: Path) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["code", "name", "level", "parent_code"])
        writer.writeheader()
        writer.writerows(rows)
    return path


def _rows() -> list[dict[str, str]]:
    with open(settings.DIVISIONS_CSV, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.django_db
def test_renamed_row_updates_in_place(regions, tmp_path):
    rows = _rows()
    for row in rows:
        if row["code"] == "310115015001":
            row["name"] = "三林苑社区居委会"
    report = regions_load(csv_path=_write(rows, tmp_path / "renamed.csv"))
    assert (report.created, report.updated) == (0, 1)
    village = Region.objects.get(code="310115015001")
    assert village.name == "三林苑社区居委会"
    assert village.pk == regions["sanlinyuan"].pk  # same row: history attached to it stays attached


@pytest.mark.django_db
def test_new_row_is_created_under_its_parent(regions, tmp_path):
    rows = [*_rows(), {"code": "310115015999", "name": "新建居委会", "level": "village", "parent_code": "310115015000"}]
    report = regions_load(csv_path=_write(rows, tmp_path / "added.csv"))
    assert report.created == 1
    new = Region.objects.get(code="310115015999")
    assert new.parent == regions["dongming"]
    assert new.path == regions["dongming"].path + "310115015999/"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"code": "31011501500", "name": "x", "level": "village", "parent_code": "310115015000"}, "not 12 digits"),
        ({"code": "310115015998", "name": "x", "level": "hamlet", "parent_code": "310115015000"}, "level"),
        ({"code": "310115015998", "name": "", "level": "village", "parent_code": "310115015000"}, "name is empty"),
        ({"code": "310115015998", "name": "x", "level": "village", "parent_code": "319999999000"}, "not in the file"),
        ({"code": "310115015998", "name": "x", "level": "village", "parent_code": "310115000000"}, "cannot hang"),
    ],
)
@pytest.mark.django_db
def test_malformed_file_is_refused_naming_the_line(regions, tmp_path, row, message):
    rows = [*_rows(), row]
    with pytest.raises(DivisionFileError, match=message):
        regions_load(csv_path=_write(rows, tmp_path / "bad.csv"))
    assert Region.objects.count() == 6760  # nothing half-loaded


@pytest.mark.django_db
def test_descendant_counts_at_every_level(regions, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert Region.objects.descendant_counts(regions["city"]) == {
            "city": 0, "district": 16, "street": 234, "village": 6509,
        }
    assert Region.objects.descendant_counts(regions["pudong"])["street"] == 42
    assert Region.objects.descendant_counts(regions["pudong"])["village"] == 1526
    assert Region.objects.descendant_counts(regions["dongming"])["village"] == 39
    assert sum(Region.objects.descendant_counts(regions["sanlinyuan"]).values()) == 0


@pytest.mark.django_db
def test_child_counts_are_one_query(regions, django_assert_num_queries):
    with django_assert_num_queries(1):
        counts = Region.objects.child_counts(regions["city"])
    assert counts[regions["pudong"].path] == {"street": 42, "village": 1526}
    assert len(counts) == 16


@pytest.mark.django_db
def test_subtree_query_is_one_prefix_match(regions, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert Region.objects.under(regions["pudong"].path).count() == 1 + 42 + 1526


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_subtree_query_uses_the_pattern_index_on_postgresql(regions):
    if connection.vendor != "postgresql":
        pytest.skip("query plan check is PostgreSQL-specific")
    query = str(Region.objects.filter(path__startswith=regions["dongming"].path).only("id").query)
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("ANALYZE accounts_region")
        cursor.execute(
            "EXPLAIN SELECT id FROM accounts_region WHERE path LIKE %s", [regions["dongming"].path + "%"]
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "accounts_region_path" in plan, plan
    assert "_like" in plan, plan
    assert "LIKE" in query
