"""At the size of a real district catalogue — 2,000 resources with 50,000 information items — the catalogue list and
its search keep a constant number of queries per page, in the API and in the browser. (Speed: benchmarks/.)
One test, so the catalogue is built once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dataassets.models import Item, Resource

from .factories import build_catalogue

pytestmark = pytest.mark.django_db

QUERIES = ["", "q=联系电话", "q=数据资源0042", "q=f7", "sharing_type=unconditional&q=物业"]


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response


def test_list_and_search_constant_in_queries_at_2000_resources_and_50000_items(api_client, client, da):
    build_catalogue(steward=da["steward"])
    assert Resource.objects.count() == 2000
    assert Item.objects.count() == 50_000
    api_client.force_authenticate(da["other"])  # reads the published supplementary catalogue of 浦东
    api_client.get("/api/v1/dataassets/resources/?page_size=1")  # warm the content-type cache
    for query in QUERIES:
        small, _ = _count(api_client, f"/api/v1/dataassets/resources/?{query}&page_size=5")
        large, response = _count(api_client, f"/api/v1/dataassets/resources/?{query}&page_size=200")
        assert small == large, query
        assert large <= 8, query
        count = response.json()["count"]
        assert count == 1 if query == "q=数据资源0042" else count > 0, query
    client.force_login(da["office"])
    client.get("/dataassets/")
    for query in ["", "q=联系电话", "q=停车位"]:
        first, _ = _count(client, f"/dataassets/?{query}")
        later, _ = _count(client, f"/dataassets/?{query}&page=7")
        assert first == later, query
        assert first <= 16, query
