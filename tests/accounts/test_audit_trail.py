"""The audit trail reads like a record (issue 14 §4): who, when, which object (linked when the viewer may open
it), which field from what to what, in Chinese, personal data masked; filters, pages and a watermarked export.
Scope stays with shequyun.audit (events_visible_to / change_entries_visible_to)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Region
from accounts.roles import Role
from accounts.services.accounts import user_create, user_disable, user_update
from scenarios.models import Status
from tests.language import english_words


def _usernames() -> set[str]:
    from accounts.models import User

    return set(User.objects.values_list("username", flat=True))


@pytest.fixture
def trail(make_user, actors, make_scenario):
    city_admin = make_user("city", roles=[Role.ACCOUNT_ADMIN])
    pudong_admin = make_user("pudong", roles=[Role.ACCOUNT_ADMIN])
    user_update(actor=city_admin, user=pudong_admin, full_name="王浦东", phone="13812345678")
    user_disable(actor=city_admin, user=pudong_admin, reason="调离")
    street_admin = make_user("dongming", roles=[Role.ACCOUNT_ADMIN])
    user_create(actor=street_admin, username="sanlin_new", full_name="李居委", email="li@example.gov.cn",
                region=Region.objects.get(code="310115015003") if Region.objects.filter(
                    code="310115015003").exists() else street_admin.region, roles=[Role.STAFF],
                phone="13987654321", id_number="")
    scenario = make_scenario(Status.SUBMITTED)
    return {"city_admin": city_admin, "pudong_admin": pudong_admin, "scenario": scenario}


@pytest.mark.django_db
def test_changes_read_in_chinese_with_from_and_to(client, make_user, trail):
    client.force_login(make_user("pudong", roles=[Role.AUDITOR]))
    response = client.get("/accounts/audit/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "王浦东" in html
    assert "姓名" in html  # the field's verbose name
    assert "<del>" in html
    assert "<ins>" in html
    assert "应用场景" in html  # the model's verbose name
    scenario = trail["scenario"]
    assert f'href="/scenarios/{scenario.pk}/"' in html  # linked: the auditor may open it
    assert "13812345678" not in html
    assert "13987654321" not in html
    for leak in ("None", "submitted by", "PasswordHistory", "{'", "object ("):
        assert leak not in html, leak


@pytest.mark.django_db
def test_events_read_in_chinese(client, make_user, trail):
    client.force_login(make_user("city", roles=[Role.AUDITOR]))
    html = client.get("/accounts/audit/?view=events").content.decode()
    assert "停用账号" in html
    assert "调离" in html
    assert "变更字段" in html
    assert "姓名" in html
    assert not english_words(html, allowed=_usernames())


@pytest.mark.django_db
def test_filters_person_type_action_dates_region(client, make_user, trail):
    client.force_login(make_user("city", roles=[Role.AUDITOR]))
    pudong = trail["pudong_admin"]
    base = "/accounts/audit/?view=changes"
    by_type = client.get(f"{base}&object_type=scenarios.scenario").content.decode()
    assert "应用场景" in by_type
    assert "王浦东" not in by_type
    by_person = client.get(f"{base}&person={trail['city_admin'].username}").content.decode()
    assert "王浦东" in by_person
    assert "社区养老服务预约" not in by_person
    deletes = client.get(f"{base}&action=2").content.decode()
    assert "没有符合条件的记录" in deletes
    today = timezone.localdate()
    future = client.get(f"{base}&date_from={today + timedelta(days=1)}").content.decode()
    assert "没有符合条件的记录" in future
    today = client.get(f"{base}&date_from={today}&date_to={today}").content.decode()
    assert "王浦东" in today
    in_huamu = client.get(f"{base}&region=310115016000").content.decode()
    assert "王浦东" not in in_huamu
    in_pudong = client.get(f"{base}&region=310115000000").content.decode()
    assert "王浦东" in in_pudong
    bad = client.get(f"{base}&date_from=yesterday")
    assert bad.status_code == 400
    assert "日期" in bad.content.decode()
    assert pudong.username in client.get(f"/accounts/audit/?view=events&person={pudong.username}").content.decode()


@pytest.mark.django_db
def test_a_district_auditor_cannot_reach_outside_through_the_region_filter(client, make_user, trail):
    client.force_login(make_user("dongming", roles=[Role.AUDITOR]))
    html = client.get("/accounts/audit/?region=310115000000").content.decode()
    assert "王浦东" not in html  # 浦东新区 is above 东明路街道: an empty list, never more than the scope


@pytest.mark.django_db
def test_export_is_watermarked_and_masked(client, make_user, trail):
    auditor = make_user("city", roles=[Role.AUDITOR])
    client.force_login(auditor)
    response = client.get("/accounts/audit/?view=changes&export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert "导出人" in values[0][0]
    assert values[2][:3] == ["时间", "操作人", "操作"]
    text = repr(values)
    assert "王浦东" in text
    assert "13812345678" not in text


@pytest.mark.django_db
def test_pages_cost_constant_queries(client, make_user, trail, django_assert_max_num_queries):
    client.force_login(make_user("city", roles=[Role.AUDITOR]))
    for _ in range(3):
        user_update(actor=trail["city_admin"], user=trail["pudong_admin"], full_name="王浦东")
    assert LogEntry.objects.count() > 10
    with django_assert_max_num_queries(40):
        client.get("/accounts/audit/")
    with django_assert_max_num_queries(40):
        client.get("/accounts/audit/?view=events")
