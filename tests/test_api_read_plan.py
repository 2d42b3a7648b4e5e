"""The API's speed-ups change nothing a client sees (issue 15, P1/P7).

* ``PortalModelSerializer``'s read plan, the orjson renderer and the filter backend's shortcut for a request that
  names no filter: every API list and the first object of each, as the city bench account (every role), must be
  byte for byte what DRF's own serializer path, DRF's own renderer and a full FilterSet give.
* The renderer alone: dates, decimals, lazy translations, U+2028, non-string keys, indentation on request.
* The region directory (names without a query) follows renames, deletions and the division loader.
* The city's scope (the root of the one tree) needs no join and sees exactly the rows the prefix match sees.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext_lazy
from rest_framework import renderers, serializers

from benchmarks.data import generate
from shequyun import api
from shequyun.filters import PortalFilterBackend
from shequyun.renderers import JSONRenderer
from tests.test_list_queries import SMALL, _api_lists


def _responses(client: Any, urls: list[str]) -> dict[str, bytes]:
    out = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        out[url] = response.content
    return out


def _detail_urls(client: Any, lists: list[str]) -> list[str]:
    urls = []
    for url in lists:
        results = json.loads(client.get(f"{url}?page_size=1").content).get("results") or []
        if results and isinstance(results[0], dict) and "id" in results[0]:
            detail = f"{url}{results[0]['id']}/"
            if client.get(detail).status_code == 200:
                urls.append(detail)
    return urls


@pytest.mark.django_db
def test_every_list_and_detail_is_what_drf_itself_would_answer(client, settings, monkeypatch):
    from django.core.management import call_command

    from accounts.models import User

    settings.OTP_REQUIRED_ROLES = []
    for command in ("load_demo", "load_demo_scenarios", "load_demo_content", "load_demo_security",
                    "load_demo_dataassets"):  # the demo's plans, drills, chains, sharing requests …
        call_command(command, verbosity=0)
    generate(SMALL, quiet=True)  # and the bench's rows of every kind, as the bench account that holds every role
    client.force_login(User.objects.get(username="bench_city"))
    lists = _api_lists()
    urls = [f"{url}?page_size=50" for url in lists] + lists + _detail_urls(client, lists)
    assert len(urls) > 2 * len(lists)  # details were found too
    fast = _responses(client, urls)
    empty = [url for url in lists if not json.loads(fast[url]).get("results")]
    assert len(empty) <= len(lists) // 4, f"too few lists with rows to compare: {empty}"

    monkeypatch.setattr(api.PortalModelSerializer, "to_representation", serializers.ModelSerializer.to_representation)
    monkeypatch.setattr(JSONRenderer, "render", renderers.JSONRenderer.render)
    monkeypatch.setattr(PortalFilterBackend, "filter_queryset",
                        lambda self, request, queryset, view: super(PortalFilterBackend, self).filter_queryset(
                            request, queryset, view))
    plain = _responses(client, urls)
    different = [url for url in urls if fast[url] != plain[url]]
    assert not different, f"answers that differ from DRF's own path: {different[:5]}"


def _render(data: Any, accept: str | None = None) -> bytes:
    return JSONRenderer().render(data, accept, {})


def test_the_renderer_writes_what_drfs_renderer_writes():
    shanghai = dt.timezone(dt.timedelta(hours=8))
    data = {
        "text": "上海市 / 浦东新区", "lazy": gettext_lazy("全部"), "when": dt.datetime(2026, 12, 6, 9, 30, 1, 123456,
                                                                              tzinfo=shanghai),
        "utc": dt.datetime(2026, 12, 6, 1, 0, tzinfo=dt.UTC), "day": dt.date(2026, 12, 6), "at": dt.time(8, 30),
        "amount": decimal.Decimal("12.50"), "id": uuid.UUID(int=7), "separator": "a\u2028b\u2029c",
        "numbers": (1, 2.5, None, True), 7: "int key", "nested": [{"ok": False}],
    }
    assert _render(data) == renderers.JSONRenderer().render(data, None, {})
    assert b"\\u2028" in _render(data)
    assert "\u2028".encode() not in _render(data)


def test_the_renderer_indents_on_request_and_renders_nothing_for_none():
    assert _render({"a": [1]}, "application/json; indent=2") == b'{\n  "a": [\n    1\n  ]\n}'
    assert _render(None) == b""


def test_an_error_with_lazy_messages_renders(api_client):
    response = api_client.get("/api/v1/scenarios/")
    assert response.status_code == 401
    assert json.loads(response.content)["detail"]


@pytest.mark.django_db
def test_region_names_follow_renames_deletions_and_the_loader(regions, settings):
    from accounts.api.fields import region_path_names
    from accounts.models import Region
    from accounts.services import regions_load

    dongming = regions["dongming"]
    assert region_path_names([dongming])[dongming.path] == "上海市 / 浦东新区 / 东明路街道"
    with CaptureQueriesContext(connection) as queries:
        region_path_names([dongming, regions["huangpu"]])
    assert len(queries) == 0  # the directory is loaded once per process

    Region.objects.filter(pk=dongming.pk).update(name="改名街道")  # a bulk write: no signal
    regions_load(csv_path=settings.DIVISIONS_CSV)  # the loader puts the official name back and says so
    assert region_path_names([dongming])[dongming.path].endswith("东明路街道")

    dongming.name = "东明路街道（新）"
    dongming.save()
    assert region_path_names([dongming])[dongming.path] == "上海市 / 浦东新区 / 东明路街道（新）"

    village = Region.objects.create(code="310115015999", name="新设村居", level="village", parent=dongming,
                                    path=dongming.path + "310115015999/", depth=3)
    assert region_path_names([village])[village.path].endswith("新设村居")
    village.delete()
    from accounts.selectors import region_directory

    assert "310115015999" not in region_directory().names


@pytest.mark.django_db
def test_the_city_scope_needs_no_join_and_sees_what_the_prefix_sees(make_user, regions):
    from accounts.models import Region
    from accounts.roles import Role
    from scenarios.models import Application, Scenario
    from scenarios.services import scenario_create
    from tests.scenarios.factories import SCENARIO

    def new_scenario(region: Region) -> Scenario:
        applicant = make_user(region.code, roles=[Role.OPERATOR])
        return scenario_create(actor=applicant, region=region, **SCENARIO)

    for where in ("pudong", "dongming", "huangpu"):
        new_scenario(regions[where])
    city = make_user("city")
    pudong = make_user("pudong")
    for model in (Scenario, Application):
        visible = model.objects.visible_to(city)
        by_prefix = model.objects.filter(**{f"{model.objects.none().scope_path_lookup}__startswith": "310000000000/"})
        assert set(visible.values_list("pk", flat=True)) == set(by_prefix.values_list("pk", flat=True))
        assert visible.count() == by_prefix.count() >= 3
        assert "WHERE" not in str(visible.query)  # every row: the foreign keys to the region are required
        assert "accounts_region" in str(model.objects.visible_to(pudong).query)  # a district still matches its path
    assert Region.objects.visible_to(city).count() == Region.objects.count()
    # Accounts may have no region: the city sees those that have one, without matching paths.
    from accounts.models import User

    where = str(User.objects.visible_to(city).query).split(" WHERE ")[1]
    assert where.startswith('"accounts_user"."region_id" IS NOT NULL')
    assert "path" not in where

    # A second tree (another root) and the shortcut is off: the city sees its own tree only.
    other = Region.objects.create(code="320000000000", name="江苏省", level="city", path="320000000000/", depth=0)
    new_scenario(other)
    assert "accounts_region" in str(Scenario.objects.visible_to(city).query)
    assert not Scenario.objects.visible_to(city).filter(region=other).exists()


def test_every_model_serializer_has_the_read_plan():
    """One shape: a model serializer of the project derives from ``PortalModelSerializer`` (a new one that derives
    from DRF's directly would silently lose the read plan and the per-class fields)."""
    import importlib
    import pkgutil

    import accounts
    import content
    import dataassets
    import scenarios
    import security
    import shequyun

    for package in (accounts, content, dataassets, scenarios, security, shequyun):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if ".migrations" not in info.name and ".management" not in info.name and ".settings" not in info.name:
                importlib.import_module(info.name)

    def subclasses(cls: type) -> list[type]:
        return [cls, *[s for sub in cls.__subclasses__() for s in subclasses(sub)]]

    ours = [cls for cls in subclasses(serializers.ModelSerializer)
            if cls.__module__.split(".")[0] in {"accounts", "content", "dataassets", "scenarios", "security",
                                                "shequyun"}]
    assert len(ours) > 30
    plain = [f"{cls.__module__}.{cls.__name__}" for cls in ours if not issubclass(cls, api.PortalModelSerializer)]
    assert not plain, f"derive these from shequyun.api.PortalModelSerializer: {plain}"


@pytest.mark.django_db
def test_a_region_change_is_announced_again_when_it_commits(regions, django_capture_on_commit_callbacks):
    """Another process that reloaded the directory between the save and the commit read the old table: the version
    token is written again at commit, so it reloads once more."""
    from django.core.cache import cache

    from accounts.selectors import _directory

    dongming = regions["dongming"]
    with django_capture_on_commit_callbacks(execute=True):
        dongming.name = "东明路街道（改）"
        dongming.save()
        token_at_save = cache.get(_directory.key)
        assert token_at_save is not None
    assert cache.get(_directory.key) != token_at_save
