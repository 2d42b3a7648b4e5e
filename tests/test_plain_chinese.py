"""Plain Chinese everywhere (issue 14 §8): no English word in a zh-hans page or API error.

The demo data of every module is loaded; each demo user walks their main pages; the API answers a few errors
(missing object, bad JSON, too short a password, wrong method, not signed in). Codes, units, product names, file
names and user names are allowed (tests/language.py)."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from tests.language import english_words

PAGES = {
    "city_admin": ["/", "/scenarios/", "/scenarios/queue/", "/scenarios/evaluations/", "/accounts/manage/",
                   "/accounts/manage/anomalies/", "/accounts/manage/new/", "/accounts/manage/import/",
                   "/security/", "/security/incidents/", "/security/plans/", "/dataassets/", "/notifications/",
                   "/accounts/regions/310115000000/"],
    "pudong_admin": ["/", "/scenarios/", "/scenarios/queue/", "/scenarios/evaluations/", "/content/",
                     "/content/review/", "/content/feedback/", "/accounts/password/", "/accounts/anomaly/"],
    "dongming_operator": ["/", "/scenarios/", "/scenarios/new/", "/dataassets/objections/", "/dataassets/sharing/"],
    "sanlinyuan_staff": ["/", "/content/", "/content/training/"],
    "pudong_auditor": ["/", "/accounts/audit/", "/accounts/audit/?view=events"],
}


@pytest.fixture
def demo(regions, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    for command in ("load_demo", "load_demo_scenarios", "load_demo_content", "load_demo_security",
                    "load_demo_dataassets"):
        call_command(command, stdout=None)
    return set(User.objects.values_list("username", flat=True))


def _walk(client, path: str) -> str:
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


@pytest.mark.django_db
def test_main_pages_have_no_english_word(client, demo):
    problems = {}
    for username, paths in PAGES.items():
        client.force_login(User.objects.get(username=username))
        for path in paths:
            html = _walk(client, path)
            words = english_words(html, allowed=demo)
            if words:
                problems[f"{username} {path}"] = sorted(words)
        # and the detail pages linked from the module lists
        for link in ("/scenarios/",):
            html = _walk(client, link)
            for pk in sorted(set(re.findall(r'href="/scenarios/(\d+)/"', html)))[:3]:
                for path in (f"/scenarios/{pk}/",):
                    words = english_words(_walk(client, path), allowed=demo)
                    if words:
                        problems[f"{username} {path}"] = sorted(words)
    assert not problems, repr(problems)


@pytest.mark.django_db
def test_api_errors_are_chinese(api_client, demo):
    user = User.objects.get(username="dongming_operator")
    answers = {}
    answers["not signed in"] = api_client.get("/api/v1/scenarios/")
    api_client.force_authenticate(user)
    answers["missing region"] = api_client.get("/api/v1/regions/999999999999/")
    answers["missing scenario"] = api_client.get("/api/v1/scenarios/999999/")
    answers["bad json"] = api_client.generic("POST", "/api/v1/scenarios/", "{not json", content_type="application/json")
    answers["wrong method"] = api_client.delete("/api/v1/regions/")
    answers["bad page"] = api_client.get("/api/v1/scenarios/?page=999")
    answers["short password"] = api_client.post(reverse("api-password"), {"old_password": "x", "new_password": "a1!"},
                                                format="json")
    answers["bad filter"] = api_client.get("/api/v1/scenarios/?region=abc")
    problems = {}
    for name, response in answers.items():
        assert response.status_code >= 400, (name, response.status_code)
        words = english_words(response.content.decode("utf-8"), allowed=_FIELD_NAMES)
        if words:
            problems[name] = (response.status_code, sorted(words), response.content.decode()[:200])
    assert not problems, problems


#: JSON keys are identifiers, not prose
_FIELD_NAMES = {"detail", "non_field_errors", "region", "page", "new_password", "old_password", "password", "name"}



@pytest.mark.django_db
def test_admin_columns_are_chinese(client, demo, make_user):
    from shequyun.models import WorkdayOverride

    admin = make_user("city")
    User.objects.filter(pk=admin.pk).update(is_superuser=True, is_staff=True)
    WorkdayOverride.objects.create(date="2026-12-26", is_workday=True, note="调休", created_by=admin)
    client.force_login(User.objects.get(pk=admin.pk))
    for path in ("/admin/shequyun/workdayoverride/", "/admin/content/reviewchain/"):
        html = client.get(path).content.decode()
        for english in ("Created by", "Updated by", "Updated at"):
            assert english not in html, (path, english)
