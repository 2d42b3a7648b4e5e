"""Every list costs the same number of queries whatever its size (issue 15, P2) — one test for all of them.

It walks every API list route (``tests/scope.py: all_routes``, names ending in ``-list``) at page sizes 10 and 200,
and every HTML list page (``benchmarks.run.HTML_LISTS``, fixed page sizes) on a small and on a larger data set,
both made by the bench generator (``benchmarks/data.py``) as the city bench account, which holds every role.
An API list may use at most ``API_MAX`` queries besides authentication. A new list is covered without touching
this file (a new HTML list page: add its url name to ``HTML_LISTS``).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from benchmarks.data import generate
from benchmarks.run import HTML_LISTS
from tests.scope import all_routes

API_MAX = 6
PAGE_TOLERANCE = 2

SMALL = {"accounts": 8, "scenarios": 8, "evaluations": 8, "metric_scenarios": 2, "metric_days": 3, "content": 8,
         "incidents": 8, "resources": 8, "items_per_resource": 2, "change_entries": 8, "audit_events": 8,
         "notifications": 20}
LARGE = {**SMALL, "accounts": 260, "scenarios": 260, "evaluations": 260, "content": 260, "incidents": 260,
         "resources": 260, "change_entries": 260, "audit_events": 260, "notifications": 700}


def _api_lists() -> list[str]:
    urls = []
    for route in all_routes():
        if route.name.endswith("-list") and not route.kwargs and "get" in route.methods:
            urls.append("/" + route.pattern.replace("^", "").replace("$", ""))
    return [url for url in urls if url.startswith("/api/")]


@pytest.mark.django_db
def test_every_list_is_constant_in_queries(client, api_client, settings, django_assert_max_num_queries):
    from accounts.models import User

    settings.OTP_REQUIRED_ROLES = []  # the bench account holds every role; the second factor is tested elsewhere
    generate(SMALL, quiet=True)
    viewer = User.objects.get(username="bench_city")
    client.force_login(viewer)
    api_client.force_authenticate(viewer)
    pages = {name: reverse(name) for name in sorted(HTML_LISTS)}

    def page_queries() -> dict[str, int]:
        counts = {}
        for name, url in pages.items():
            with django_assert_max_num_queries(60) as queries:
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            counts[name] = len(queries)
        return counts

    small_pages = page_queries()
    generate(LARGE, quiet=True)
    large_pages = page_queries()
    # A page of 8 rows against a full page (25): a query per row would add 17. One or two queries may come and go
    # with the state of the data (an empty list's branch, a chart that has data); more is growth.
    grown = {name: (small_pages[name], large_pages[name]) for name in pages
             if abs(large_pages[name] - small_pages[name]) > PAGE_TOLERANCE}
    assert not grown, f"HTML lists whose queries change with the number of rows (small, large): {grown}"

    grown_api, heavy = {}, {}
    lists = _api_lists()
    assert len(lists) >= 19
    for url in lists:
        counts = []
        for size in (10, 200):
            with django_assert_max_num_queries(60) as queries:
                response = api_client.get(f"{url}?page_size={size}")
            assert response.status_code == 200, (url, response.status_code)
            counts.append(len(queries))
        if counts[0] != counts[1]:
            grown_api[url] = counts
        if max(counts) > API_MAX:
            heavy[url] = max(counts)
    assert not grown_api, f"API lists whose queries change with the page size (10, 200): {grown_api}"
    assert not heavy, f"API lists above {API_MAX} queries: {heavy}"
