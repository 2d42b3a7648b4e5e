"""/api/v1/accounts/users/ and /api/v1/auth/password/."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.roles import Role
from shequyun.models import AuditEvent, AuditEventType
from tests.factories import TEST_PASSWORD

URL = "/api/v1/accounts/users/"


@pytest.fixture
def street_admin(make_user):
    return make_user("dongming", roles=[Role.ACCOUNT_ADMIN])


def _as(api_client, user):
    api_client.force_authenticate(user)
    return api_client


@pytest.mark.django_db
def test_street_admin_creates_a_village_account_with_initial_password(api_client, street_admin):
    response = _as(api_client, street_admin).post(URL, {
        "username": "sly_wang", "full_name": "王芳", "region": "310115015001", "roles": ["staff"],
        "phone": "13812345678", "id_number": "11010519491231002X",
    }, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["region"] == "310115015001"
    assert body["region_path"] == "上海市 / 浦东新区 / 东明路街道 / 三林苑居委会"
    assert body["phone"] == "138****5678"
    assert body["id_number"] == "110***********002X"
    assert body["must_change_password"] is True
    initial = body["initial_password"]
    user = User.objects.get(username="sly_wang")
    assert user.check_password(initial)
    assert user.organisation.name == "三林苑居委会"
    with connection.cursor() as cursor:  # encrypted at rest: the column holds no digit of the number in clear
        cursor.execute("SELECT phone_encrypted, id_number_encrypted FROM accounts_user WHERE id = %s", [user.pk])
        stored_phone, stored_id = cursor.fetchone()
    assert stored_phone.startswith("sm4gcm:")
    assert "13812345678" not in stored_phone
    assert "11010519491231002X" not in stored_id
    assert user.phone == "13812345678"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"username": "", "full_name": "x", "region": "310115015001"}, "username"),
        ({"username": "a b", "full_name": "x", "region": "310115015001"}, "username"),
        ({"username": "okname", "full_name": "", "region": "310115015001"}, "full_name"),
        ({"username": "okname", "full_name": "x", "region": "999"}, "region"),
        ({"username": "okname", "full_name": "x", "region": "310101002001"}, "region"),  # outside scope
        ({"username": "okname", "full_name": "x", "region": "310115015001", "phone": "123"}, "phone"),
        ({"username": "okname", "full_name": "x", "region": "310115015001", "id_number": "310101199001011230"}, "id_number"),
        ({"username": "okname", "full_name": "x", "region": "310115015001", "roles": ["king"]}, "roles"),
        ({"username": "okname", "full_name": "x", "region": "310115015001", "roles": ["account_admin"]}, "roles"),
        ({"username": "okname", "full_name": "x", "region": "310115015000", "roles": ["account_admin", "auditor"]}, "roles"),
        ({"username": "okname", "full_name": "x", "region": "310115015001", "password": "short"}, "password"),
        ({"username": "okname", "full_name": "x", "region": "310115015001", "email": "nope"}, "email"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(api_client, street_admin, payload, field):
    before = User.objects.count()
    response = _as(api_client, street_admin).post(URL, payload, format="json")
    assert response.status_code in (400, 403), response.content
    if response.status_code == 400:
        assert field in response.json(), response.json()
    assert User.objects.count() == before


@pytest.mark.django_db
def test_forbidden_and_out_of_scope(api_client, make_user, street_admin):
    district_staff = make_user("pudong")  # above: invisible
    sibling_staff = make_user("huamu")  # beside: invisible
    own_admin = make_user("dongming", roles=[Role.ACCOUNT_ADMIN])  # visible, managed by the district
    client = _as(api_client, street_admin)
    assert client.post(f"{URL}{district_staff.pk}/disable/").status_code == 404
    assert client.post(f"{URL}{sibling_staff.pk}/disable/").status_code == 404
    assert client.post(f"{URL}{own_admin.pk}/disable/").status_code == 403
    assert client.post(URL, {"username": "newadmin", "full_name": "x", "region": "310115015000",
                              "roles": ["account_admin"]}, format="json").status_code == 403
    own_admin.refresh_from_db()
    assert own_admin.is_active
    assert AuditEvent.objects.filter(event_type=AuditEventType.PERMISSION_DENIED, actor=street_admin).exists()


@pytest.mark.django_db
def test_disable_stops_token_and_session_at_once_and_keeps_the_row(api_client, client, make_user, street_admin):
    staff = make_user("sanlinyuan")
    token = Token.objects.create(user=staff)
    client.force_login(staff)
    assert _as(api_client, street_admin).post(f"{URL}{staff.pk}/disable/", {"reason": "离职"}).json()["is_active"] is False
    api_client.force_authenticate(None)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api_client.get("/api/v1/regions/").status_code == 401
    assert client.get("/").status_code == 302  # the session no longer authenticates
    assert User.objects.filter(pk=staff.pk).exists()
    api_client.credentials()
    assert _as(api_client, street_admin).post(f"{URL}{staff.pk}/enable/").json()["is_active"] is True


@pytest.mark.django_db
def test_reset_password_forces_a_change_and_token_allows_only_the_password_call(api_client, make_user, street_admin):
    staff = make_user("sanlinyuan")
    new = _as(api_client, street_admin).post(f"{URL}{staff.pk}/reset-password/").json()["password"]
    api_client.force_authenticate(None)
    token = api_client.post("/api/v1/auth/token/", {"username": staff.username, "password": new}).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    refused = api_client.get("/api/v1/regions/")
    assert refused.status_code == 403
    assert "/api/v1/auth/password/" in refused.json()["detail"]
    weak = api_client.post("/api/v1/auth/password/", {"old_password": new, "new_password": "abcdefgh"})
    assert weak.status_code == 400
    assert "new_password" in weak.json()
    wrong = api_client.post("/api/v1/auth/password/", {"old_password": "nope", "new_password": "Good#Pass2026"})
    assert "old_password" in wrong.json()
    ok = api_client.post("/api/v1/auth/password/", {"old_password": new, "new_password": "Good#Pass2026"})
    assert ok.status_code == 200
    assert api_client.get("/api/v1/regions/").status_code == 200


@pytest.mark.django_db
def test_password_history_and_username_rules(api_client, make_user):
    user = make_user("dongming", username="zhangsan")
    _as(api_client, user)
    history = ["First#Pass1", "Second#Pass2"]
    current = TEST_PASSWORD
    for new in history:
        assert api_client.post("/api/v1/auth/password/", {"old_password": current, "new_password": new}).status_code == 200
        current = new
    reused = api_client.post("/api/v1/auth/password/", {"old_password": current, "new_password": "First#Pass1"})
    assert reused.status_code == 400
    assert "最近" in str(reused.json()["new_password"])
    with_name = api_client.post("/api/v1/auth/password/", {"old_password": current, "new_password": "zhangsan#123X"})
    assert "用户名" in str(with_name.json()["new_password"])


@pytest.mark.django_db
def test_unlock_and_is_locked(api_client, client, make_user, street_admin, settings):
    staff = make_user("sanlinyuan")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": staff.username, "password": "wrong"})
    page = client.post("/accounts/login/", {"username": staff.username, "password": TEST_PASSWORD}).content.decode()
    assert "用户名或密码错误" in page  # locked: same message as a wrong password
    _as(api_client, street_admin)
    assert api_client.get(f"{URL}{staff.pk}/").json()["is_locked"] is True
    assert api_client.post(f"{URL}{staff.pk}/unlock/").json()["is_locked"] is False
    assert client.post("/accounts/login/", {"username": staff.username, "password": TEST_PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_assign_roles_within_the_rule(api_client, make_user, street_admin):
    staff = make_user("dongming")
    _as(api_client, street_admin)
    assert api_client.post(f"{URL}{staff.pk}/roles/", {"roles": ["reviewer", "staff"]}, format="json").json()["roles"] == [
        "reviewer", "staff"]
    assert api_client.post(f"{URL}{staff.pk}/roles/", {"roles": ["account_admin"]}, format="json").status_code == 403
    assert api_client.post(f"{URL}{staff.pk}/roles/", {"roles": []}, format="json").status_code == 400


@pytest.mark.django_db
def test_owner_sees_own_personal_data_unmasked(api_client, make_user):
    user = make_user("dongming")
    user.phone = "13900001111"
    user.save()
    body = _as(api_client, user).get(f"{URL}{user.pk}/").json()
    assert body["phone"] == "13900001111"


@pytest.mark.django_db
def test_user_list_constant_queries(api_client, make_user, street_admin):
    for _ in range(12):
        make_user("sanlinyuan", roles=[Role.STAFF])
    _as(api_client, street_admin)
    counts = []
    for size in (2, 12):
        with CaptureQueriesContext(connection) as ctx:
            assert api_client.get(f"{URL}?page_size={size}").status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_filters(api_client, make_user, street_admin):
    make_user("sanlinyuan")
    make_user("dongming", roles=[Role.ACCOUNT_ADMIN])
    _as(api_client, street_admin)
    assert api_client.get(f"{URL}?region=310115015001").json()["count"] == 1
    managed = api_client.get(f"{URL}?manageable=true").json()
    assert all(u["region"] != "310115015000" or "account_admin" not in u["roles"] for u in managed["results"])
    assert api_client.get(f"{URL}?role=nope").status_code == 400
