"""Linking accounts to the unified identity platform (User.platform_id, accounts/identity.py): the account admin
does it under the tiered rule — in the browser, through the API and in the bulk import — and every change of a
link is an audit event."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from accounts.models import User
from accounts.roles import Role
from accounts.services.accounts import user_update
from shequyun.models import AuditEvent, AuditEventType

pytestmark = pytest.mark.django_db
URL = "/api/v1/accounts/users/"


@pytest.fixture
def street_admin(make_user):  # type: ignore[no-untyped-def]
    return make_user("dongming", roles=[Role.ACCOUNT_ADMIN])


def links(kind: AuditEventType) -> list[dict]:
    return [e.extra for e in AuditEvent.objects.filter(event_type=kind).order_by("id")]


# --- API ----------------------------------------------------------------------------------------------------------

def test_the_api_links_on_create_and_reads_it_back(api_client, street_admin):
    api_client.force_authenticate(street_admin)
    response = api_client.post(URL, {"username": "sly_li", "full_name": "李娜", "region": "310115015001",
                                     "platform_id": " SH-GOV-0002 "}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["platform_id"] == "SH-GOV-0002"
    user = User.objects.get(username="sly_li")
    assert api_client.get(f"{URL}{user.pk}/").json()["platform_id"] == "SH-GOV-0002"
    assert api_client.get(URL, {"platform_id": "SH-GOV-0002"}).json()["count"] == 1
    assert links(AuditEventType.PLATFORM_ID_LINKED) == [{"platform_id": "SH-GOV-0002", "previous": ""}]


def test_an_account_without_a_link_reads_null(api_client, street_admin, make_user):
    user = make_user("sanlinyuan")
    api_client.force_authenticate(street_admin)
    assert api_client.get(f"{URL}{user.pk}/").json()["platform_id"] is None


def test_the_api_changes_and_removes_a_link(api_client, street_admin, make_user):
    user = make_user("sanlinyuan", platform_id="SH-GOV-0001")
    api_client.force_authenticate(street_admin)
    changed = api_client.patch(f"{URL}{user.pk}/", {"platform_id": "SH-GOV-0011"}, format="json")
    assert changed.status_code == 200, changed.json()
    assert changed.json()["platform_id"] == "SH-GOV-0011"
    removed = api_client.patch(f"{URL}{user.pk}/", {"platform_id": ""}, format="json")
    assert removed.json()["platform_id"] is None
    user.refresh_from_db()
    assert user.platform_id is None
    assert links(AuditEventType.PLATFORM_ID_LINKED) == [{"platform_id": "SH-GOV-0011", "previous": "SH-GOV-0001"}]
    assert links(AuditEventType.PLATFORM_ID_UNLINKED) == [{"previous": "SH-GOV-0011"}]
    # Other edits leave the link alone and record no link event.
    api_client.patch(f"{URL}{user.pk}/", {"full_name": "新名字"}, format="json")
    assert len(links(AuditEventType.PLATFORM_ID_UNLINKED)) == 1


@pytest.mark.parametrize(("value", "message"), [
    ("SH-GOV-0001", "已关联其他账号"), ("SH GOV", "不含空格"), ("x" * 256, "255"), ("SH\x07GOV", "不含空格"),
])
def test_a_bad_or_taken_identifier_is_a_400_naming_the_field(api_client, street_admin, make_user, value, message):
    make_user("sanlinyuan", platform_id="SH-GOV-0001")
    target = make_user("sanlinyuan")
    api_client.force_authenticate(street_admin)
    created = api_client.post(URL, {"username": "sly_new", "full_name": "新人", "region": "310115015001",
                                    "platform_id": value}, format="json")
    updated = api_client.patch(f"{URL}{target.pk}/", {"platform_id": value}, format="json")
    for response in (created, updated):
        assert response.status_code == 400
        assert "platform_id" in response.json()
        assert message in str(response.json()["platform_id"])
    assert not User.objects.filter(username="sly_new").exists()
    target.refresh_from_db()
    assert target.platform_id is None
    assert not links(AuditEventType.PLATFORM_ID_LINKED)


def test_only_the_accounts_admin_may_link_it(api_client, make_user):
    """The tiered rule: a district admin manages the street's admins, not the street's staff; outside the subtree
    the account does not exist."""
    staff = make_user("dongming", roles=[Role.STAFF])
    district_admin = make_user("pudong", roles=[Role.ACCOUNT_ADMIN])
    api_client.force_authenticate(district_admin)
    assert api_client.patch(f"{URL}{staff.pk}/", {"platform_id": "SH-X"}, format="json").status_code == 403
    api_client.force_authenticate(make_user("310110012000", roles=[Role.ACCOUNT_ADMIN]))  # 杨浦 控江路
    assert api_client.patch(f"{URL}{staff.pk}/", {"platform_id": "SH-X"}, format="json").status_code == 404
    staff.refresh_from_db()
    assert staff.platform_id is None


def test_two_admins_linking_one_identifier_at_once_get_a_400_not_a_500(street_admin, make_user, monkeypatch):
    first, second = make_user("dongming"), make_user("dongming")
    user_update(actor=street_admin, user=first, platform_id="SH-RACE")
    # The second admin's check ran before the first one saved: the unique constraint still says no, as a 400.
    monkeypatch.setattr("accounts.services.accounts.clean_platform_id", lambda value, errors, **kw: value)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as raised:
        user_update(actor=street_admin, user=second, platform_id="SH-RACE")
    assert "platform_id" in raised.value.message_dict


# --- browser pages ------------------------------------------------------------------------------------------------

def test_the_account_pages_link_an_account(client, street_admin):
    client.force_login(street_admin)
    assert "统一身份标识" in client.get("/accounts/manage/new/").content.decode()
    response = client.post("/accounts/manage/new/", {
        "username": "sly_zhao", "full_name": "赵磊", "region": "310115015001", "roles": ["staff"],
        "platform_id": "SH-GOV-0004",
    })
    assert response.status_code == 200
    user = User.objects.get(username="sly_zhao")
    assert user.platform_id == "SH-GOV-0004"

    page = client.get(f"/accounts/manage/{user.pk}/").content.decode()
    assert 'value="SH-GOV-0004"' in page
    assert 'data-testid="platform-id">SH-GOV-0004<' in page
    client.post(f"/accounts/manage/{user.pk}/", {"full_name": "赵磊", "platform_id": "SH-GOV-0044"})
    user.refresh_from_db()
    assert user.platform_id == "SH-GOV-0044"
    client.post(f"/accounts/manage/{user.pk}/", {"full_name": "赵磊", "platform_id": ""})
    user.refresh_from_db()
    assert user.platform_id is None
    assert "未关联" in client.get(f"/accounts/manage/{user.pk}/").content.decode()
    assert len(links(AuditEventType.PLATFORM_ID_LINKED)) == 2
    assert len(links(AuditEventType.PLATFORM_ID_UNLINKED)) == 1


def test_the_account_page_shows_a_taken_identifier_as_a_field_error(client, street_admin, make_user):
    make_user("sanlinyuan", platform_id="SH-GOV-0001")
    user = make_user("sanlinyuan")
    client.force_login(street_admin)
    response = client.post(f"/accounts/manage/{user.pk}/", {"full_name": "某人", "platform_id": "SH-GOV-0001"})
    assert response.status_code == 200
    assert response.context["form"].errors["platform_id"] == ["该统一身份标识已关联其他账号。"]
    user.refresh_from_db()
    assert user.platform_id is None


# --- bulk import --------------------------------------------------------------------------------------------------

def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["用户名", "姓名", "区划代码", "统一身份标识"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_import_links_accounts_from_the_column(client, street_admin):
    client.force_login(street_admin)
    content = _xlsx([["v001", "居民一", "310115015001", "SH-V-001"], ["v002", "居民二", "310115015002", ""]])
    page = client.post("/accounts/manage/import/", {"file": SimpleUploadedFile("a.xlsx", content)}).content.decode()
    token = page.split('name="token" value="')[1].split('"')[0]
    client.post("/accounts/manage/import/", {"token": token})
    assert User.objects.get(username="v001").platform_id == "SH-V-001"
    assert User.objects.get(username="v002").platform_id is None
    [event] = links(AuditEventType.PLATFORM_ID_LINKED)
    assert event == {"via": "import", "count": 1, "links": [{"username": "v001", "platform_id": "SH-V-001"}]}


def test_the_import_reports_taken_and_repeated_identifiers_and_saves_nothing(client, street_admin, make_user):
    make_user("sanlinyuan", platform_id="SH-TAKEN")
    client.force_login(street_admin)
    before = User.objects.count()
    content = _xlsx([
        ["v001", "居民一", "310115015001", "SH-TAKEN"],
        ["v002", "居民二", "310115015001", "SH-NEW"],
        ["v003", "居民三", "310115015001", "SH-NEW"],
        ["v004", "居民四", "310115015001", "SH BAD"],
    ])
    response = client.post("/accounts/manage/import/", {"file": SimpleUploadedFile("a.xlsx", content)})
    report = response.context["report"]
    assert [(e.row, e.field) for e in report.errors] == [(2, "统一身份标识"), (4, "统一身份标识"), (5, "统一身份标识")]
    assert "已关联其他账号" in report.errors[0].message
    assert User.objects.count() == before
