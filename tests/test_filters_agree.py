"""One FilterSet per list: the page and the API give the same rows for the same query string."""

from __future__ import annotations

import re

import pytest

from accounts.roles import Role
from scenarios.models import Status


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "role=reviewer", "is_active=false", "q=rev", "region=310115015001",
                                   "region=310115015000&role=staff"])
def test_account_page_and_api_agree(client, api_client, make_user, query):
    admin = make_user("dongming", roles=[Role.ACCOUNT_ADMIN])
    make_user("dongming", roles=[Role.REVIEWER], username="rev_one")
    make_user("sanlinyuan", roles=[Role.STAFF], username="village_staff")
    disabled = make_user("dongming", roles=[Role.STAFF], username="gone_staff")
    disabled.is_active = False
    disabled.save()
    client.force_login(admin)
    api_client.force_authenticate(admin)
    page = client.get(f"/accounts/manage/?{query}").content.decode()
    on_page = set(re.findall(r'href="/accounts/manage/(\d+)/"', page))
    api = api_client.get(f"/api/v1/accounts/users/?manageable=true&page_size=200&{query}").json()
    assert on_page == {str(row["id"]) for row in api["results"]}


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "status=online", "status=submitted", "region=310115015000", "q=养老",
                                   "level=street", "developer=某某"])
def test_inventory_page_and_api_agree(client, api_client, make_scenario, actors, query):
    make_scenario(Status.ONLINE)
    make_scenario(Status.SUBMITTED, name="垃圾分类积分", function_summary="居民分类投放积分")
    viewer = actors["reviewer"]
    client.force_login(viewer)
    api_client.force_authenticate(viewer)
    page = client.get(f"/scenarios/?{query}").content.decode()
    on_page = set(re.findall(r'href="/scenarios/(\d+)/"', page))
    api = api_client.get(f"/api/v1/scenarios/?page_size=200&{query}").json()
    assert on_page == {str(row["id"]) for row in api["results"]}
