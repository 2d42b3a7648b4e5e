"""Benchmarks of the data catalogue (make bench): list and search at 2,000 resources with 50,000 information items."""

from __future__ import annotations

import pytest

from tests.dataassets.factories import build_catalogue, da  # noqa: F401  (the fixture)


@pytest.fixture
def catalogue_2000(da):  # noqa: F811
    build_catalogue(steward=da["steward"])
    return da


@pytest.mark.bench
@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "q=联系电话", "q=数据资源0042", "q=f7"])
def test_bench_catalogue_search_api(benchmark, api_client, catalogue_2000, query):
    api_client.force_authenticate(catalogue_2000["other"])
    response = benchmark(lambda: api_client.get(f"/api/v1/dataassets/resources/?{query}&page_size=50"))
    assert response.status_code == 200


@pytest.mark.bench
@pytest.mark.django_db
def test_bench_catalogue_search_page(benchmark, client, catalogue_2000):
    client.force_login(catalogue_2000["office"])
    response = benchmark(lambda: client.get("/dataassets/?q=停车位"))
    assert response.status_code == 200
