"""REST base: authentication, token, pagination, filters, query counts, schema."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import TEST_PASSWORD


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/regions/", "/api/v1/regions/310000000000/", "/api/v1/organisations/",
                                 "/api/v1/schema/"])
def test_unauthenticated_requests_are_refused(api_client, url):
    assert api_client.get(url).status_code == 401


@pytest.mark.django_db
def test_token_then_token_auth(api_client, make_user):
    user = make_user("dongming")
    response = api_client.post("/api/v1/auth/token/", {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    body = api_client.get("/api/v1/regions/").json()
    assert body["count"] == 40
    assert set(body) == {"count", "next", "previous", "results"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [({"username": "nobody", "password": "x"}, "non_field_errors"), ({"username": ""}, "username"),
     ({}, "password")],
)
def test_token_bad_input_names_the_field(api_client, make_user, payload, field):
    make_user("dongming")
    response = api_client.post("/api/v1/auth/token/", payload)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.django_db
def test_session_auth_works_and_ends_on_sign_out(client, make_user):
    user = make_user("pudong")
    assert client.post("/accounts/login/", {"username": user.username, "password": TEST_PASSWORD}).status_code == 302
    assert client.get("/api/v1/regions/?level=district").json()["count"] == 1
    session_key = client.session.session_key
    client.post("/accounts/logout/")
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=session_key).exists()
    assert client.get("/api/v1/regions/").status_code == 401


@pytest.mark.django_db
def test_filters(api_client, make_user):
    api_client.force_authenticate(make_user("city"))
    get = lambda q: api_client.get(f"/api/v1/regions/?{q}").json()  # noqa: E731
    assert get("level=district")["count"] == 16
    assert get("level=street&parent=310115000000")["count"] == 42
    assert get("code=310115015000")["results"][0]["name"] == "东明路街道"
    assert get("name=东明路")["count"] == 1
    assert get("within=310115015000&level=village")["count"] == 39
    assert get("is_placeholder=true")["count"] == 13
    assert get("level=hamlet").get("level")  # bad choice: 400 naming the field
    assert api_client.get("/api/v1/regions/?level=hamlet").status_code == 400


@pytest.mark.django_db
def test_filters_stay_inside_scope(api_client, make_user):
    api_client.force_authenticate(make_user("dongming"))
    assert api_client.get("/api/v1/regions/?level=district").json()["count"] == 0
    assert api_client.get("/api/v1/regions/?within=310000000000").json()["count"] == 40


@pytest.mark.django_db
def test_page_size_is_capped(api_client, make_user):
    api_client.force_authenticate(make_user("city"))
    body = api_client.get("/api/v1/regions/?page_size=200").json()
    assert len(body["results"]) == 200
    assert body["next"]
    too_big = api_client.get("/api/v1/regions/?page_size=100000")
    assert too_big.status_code == 400
    assert "page_size" in too_big.json()


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["page_size=0", "page_size=abc", "page_size=5&page_size=6", "page=-1", "page=1.5",
                                   "page=%EF%BC%91", "level=city&level=district", "is_placeholder=1",
                                   "within=31011501500"])
def test_bad_paging_and_filter_values_name_the_parameter(api_client, make_user, query):
    api_client.force_authenticate(make_user("city"))
    response = api_client.get(f"/api/v1/regions/?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/accounts/users/0.5/", "/api/v1/notifications/x/", "/api/v1/nothing-here/",
                                 "/api/v1/scenarios/99999999999999999999999/"])
def test_unknown_api_paths_answer_json_404(api_client, make_user, url):
    api_client.force_authenticate(make_user("city"))
    response = api_client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_nul_characters_are_refused_naming_the_field(api_client, make_user, client):
    api_client.force_authenticate(make_user("city"))
    response = api_client.get("/api/v1/scenarios/", {"search": "a\x00b"})
    assert response.status_code == 400
    assert "search" in response.json()


@pytest.mark.django_db
def test_region_list_uses_a_constant_number_of_queries(api_client, make_user):
    api_client.force_authenticate(make_user("city"))
    counts = []
    for size in (5, 200):
        with CaptureQueriesContext(connection) as ctx:
            assert len(api_client.get(f"/api/v1/regions/?page_size={size}").json()["results"]) == size
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_region_list_query_budget(api_client, make_user, django_assert_max_num_queries):
    api_client.force_authenticate(make_user("city"))
    with django_assert_max_num_queries(4):
        api_client.get("/api/v1/regions/?page_size=200")


@pytest.mark.django_db
def test_region_detail_has_codes_names_path_and_child_counts(api_client, make_user):
    api_client.force_authenticate(make_user("pudong"))
    body = api_client.get("/api/v1/regions/310115015000/").json()
    assert body["parent"] == "310115000000"
    assert body["region_path"] == "上海市 / 浦东新区 / 东明路街道"
    assert body["descendant_counts"]["village"] == 39
    assert len(body["children"]) == 39
    district = api_client.get("/api/v1/regions/310115000000/").json()
    assert {c["code"]: c for c in district["children"]}["310115015000"]["descendant_counts"] == {"village": 39}


@pytest.mark.django_db
def test_organisations_are_scoped_and_named_by_region_code(api_client, make_user):
    user = make_user("dongming")
    make_user("huamu")
    api_client.force_authenticate(user)
    body = api_client.get("/api/v1/organisations/").json()
    assert body["count"] == 1
    assert body["results"][0]["region"] == "310115015000"
    assert body["results"][0]["region_path"] == "上海市 / 浦东新区 / 东明路街道"
    assert api_client.get("/api/v1/organisations/?region=310115016000").json()["count"] == 0


@pytest.mark.django_db
def test_schema_and_docs(api_client, make_user):
    api_client.force_authenticate(make_user("city"))
    schema = api_client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/regions/{code}/" in schema.json()["paths"]
    docs = api_client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"cdn." not in docs.content
    assert b"jsdelivr" not in docs.content


@pytest.mark.django_db
def test_account_admin_keeps_households_and_population(api_client, make_user):
    admin = make_user("dongming", roles=["account_admin"])
    api_client.force_authenticate(admin)
    response = api_client.patch("/api/v1/regions/310115015001/", {"households": 1500, "population": 3800}, format="json")
    assert response.status_code == 200
    assert response.json()["households"] == 1500
    assert api_client.patch("/api/v1/regions/310115015001/", {"households": -1}, format="json").status_code == 400
    assert api_client.patch("/api/v1/regions/310115000000/", {"households": 1}, format="json").status_code == 404
    api_client.force_authenticate(make_user("dongming"))
    assert api_client.patch("/api/v1/regions/310115015001/", {"households": 1}, format="json").status_code == 403
