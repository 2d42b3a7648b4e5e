"""Benchmarks of the hierarchy (make bench). Targets are printed, not asserted: speed lives here, not in tests."""

from __future__ import annotations

import pytest
from django.conf import settings

from accounts.models import Region
from accounts.services import regions_load


@pytest.mark.bench
@pytest.mark.django_db
def test_bench_subtree_count_per_level(benchmark, regions):
    """'Everything under X' costs about the same at every level: one prefix match."""

    def run() -> list[int]:
        return [Region.objects.under(regions[name].path).count() for name in ("city", "pudong", "dongming")]

    assert benchmark(run) == [6760, 1569, 40]


@pytest.mark.bench
@pytest.mark.django_db
def test_bench_region_list_api_page_of_200(benchmark, api_client, make_user):
    api_client.force_authenticate(make_user("city"))
    response = benchmark(lambda: api_client.get("/api/v1/regions/?page_size=200&level=village"))
    assert response.status_code == 200


@pytest.mark.bench
@pytest.mark.django_db
def test_bench_reload_divisions_unchanged(benchmark, regions):
    """The idempotent reload of all 6,760 rows (nothing changes)."""
    report = benchmark.pedantic(lambda: regions_load(csv_path=settings.DIVISIONS_CSV), rounds=3, iterations=1)
    assert report.created == 0
