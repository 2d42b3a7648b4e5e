"""Browser pages of the foundation, through Django's test client."""

from __future__ import annotations

import pytest

from accounts.models import FontScale
from tests.factories import TEST_PASSWORD


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("city", ["上海市 · 工作台", 'data-testid="count-district">16<', 'data-testid="count-street">234<',
                  'data-testid="count-village">6,509<']),
        ("pudong", ["浦东新区 · 工作台", "上海市 / 浦东新区", 'data-testid="count-street">42<',
                    'data-testid="count-village">1,526<']),
        ("dongming", ["东明路街道 · 工作台", "上海市 / 浦东新区 / 东明路街道", 'data-testid="count-village">39<']),
        ("sanlinyuan", ["三林苑居委会 · 工作台", "东明路街道 / 三林苑居委会"]),
    ],
)
def test_home_page_shows_the_users_region(client, make_user, where, expected):
    client.force_login(make_user(where))
    page = client.get("/").content.decode()
    for text in expected:
        assert text in page, text
    assert "运营单位" in page
    assert "技术支持" in page


@pytest.mark.django_db
def test_home_lists_children_with_counts(client, make_user):
    client.force_login(make_user("pudong"))
    page = client.get("/").content.decode()
    assert 'href="/accounts/regions/310115015000/"' in page  # 东明路街道
    assert "黄浦区" not in page  # siblings are invisible


@pytest.mark.django_db
def test_home_and_region_pages_use_constant_queries(client, make_user, django_assert_max_num_queries):
    client.force_login(make_user("city"))
    with django_assert_max_num_queries(20):  # constant: counts, children, queues, two charts
        client.get("/")
    with django_assert_max_num_queries(12):
        client.get("/accounts/regions/310115000000/")  # 42 children


@pytest.mark.django_db
def test_sign_in_with_password(client, make_user):
    user = make_user("dongming")
    page = client.post("/accounts/login/", {"username": user.username, "password": "nope"}).content.decode()
    assert "用户名或密码错误" in page
    response = client.post("/accounts/login/", {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_disabled_account_gets_the_wrong_password_message(client, make_user):
    user = make_user("dongming", is_active=False)
    page = client.post("/accounts/login/", {"username": user.username, "password": TEST_PASSWORD}).content.decode()
    assert "用户名或密码错误" in page


@pytest.mark.django_db
def test_sign_out_requires_post_and_ends_the_session(client, make_user):
    client.force_login(make_user("dongming"))
    assert client.get("/accounts/logout/").status_code == 405
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_language_switch(client, make_user):
    client.force_login(make_user("dongming"))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert 'lang="en"' in page
    assert "Workbench" in page
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "工作台" in client.get("/").content.decode()


@pytest.mark.django_db
def test_font_scale_is_stored_in_the_profile(client, make_user):
    user = make_user("dongming")
    client.force_login(user)
    response = client.post("/accounts/preferences/font-scale/", {"font_scale": "150", "next": "/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.font_scale == FontScale.LARGER
    assert 'data-font-scale="150"' in client.get("/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["", "99", "abc"])
def test_font_scale_bad_input_keeps_the_old_value(client, make_user, value):
    user = make_user("dongming", font_scale=125)
    client.force_login(user)
    response = client.post("/accounts/preferences/font-scale/", {"font_scale": value, "next": "/"}, follow=True)
    assert response.status_code == 200
    assert "字号设置无效" in response.content.decode()
    user.refresh_from_db()
    assert user.font_scale == 125


@pytest.mark.django_db
def test_font_scale_refuses_offsite_redirects(client, make_user):
    client.force_login(make_user("dongming"))
    response = client.post("/accounts/preferences/font-scale/", {"font_scale": "125", "next": "https://evil.example/"})
    assert response["Location"] == "/"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/scenarios/", "/content/", "/security/", "/dataassets/"])
def test_module_areas_are_reachable(client, make_user, path):
    client.force_login(make_user("dongming"))
    assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_csrf_is_enforced():
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    assert csrf_client.post("/accounts/login/", {"username": "a", "password": "b"}).status_code == 403


@pytest.mark.django_db
def test_health_endpoint(client):
    assert client.get("/healthz/").json() == {"status": "ok"}  # liveness only; readiness: tests/ops/test_health.py
    assert client.get("/readyz/").json()["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_chinese_by_default_whatever_the_browser_says(client, make_user):
    client.force_login(make_user("dongming"))
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-CN"' in page
    assert "工作台" in page


@pytest.mark.django_db
def test_admin_keeps_households_in_the_browser(client, make_user):
    client.force_login(make_user("dongming", roles=["account_admin"]))
    assert client.post("/accounts/regions/310115015001/", {"households": "-3", "population": ""}).status_code == 200
    response = client.post("/accounts/regions/310115015001/", {"households": "1200", "population": "3100"})
    assert response.status_code == 302
    assert "1200" in client.get("/accounts/regions/310115015001/").content.decode()
    client.force_login(make_user("dongming"))
    assert client.post("/accounts/regions/310115015001/", {"households": "1"}).status_code == 403
