"""REST: /api/v1/content/items/ (filters, the five actions), review-chains, training, feedback; the OpenAPI schema;
bad input answers 400 naming the field; lists keep a constant number of queries whatever the page size."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from content import services
from content.models import ContentItem, Feedback, Status

from .factories import CHECKS, ITEM, REPRINT, image_upload


@pytest.fixture
def api():
    """A separate client per user (force_authenticate sticks to a client)."""
    from rest_framework.test import APIClient

    def as_user(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return as_user


@pytest.mark.django_db
def test_the_whole_item_lifecycle_over_the_api(api, people, chain):
    client = api(people["author"])
    response = client.post("/api/v1/content/items/", {**ITEM, "is_reprint": True}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["region"] == "310115015001"
    assert body["audience"] == "310115015001"
    assert body["available_actions"] == ["submit"]
    pk = body["id"]
    response = client.post(f"/api/v1/content/items/{pk}/submit/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"source_name", "source_url", "authorisation"}
    assert client.patch(f"/api/v1/content/items/{pk}/", REPRINT, format="json").status_code == 200
    assert client.post(f"/api/v1/content/items/{pk}/submit/", {}, format="json").json()["status"] == "review_1"
    response = api(people["first"]).post(f"/api/v1/content/items/{pk}/approve/", {"checks": CHECKS[:2]}, format="json")
    assert response.status_code == 400
    assert "checks" in response.json()
    response = api(people["first"]).post(f"/api/v1/content/items/{pk}/approve/", {"checks": CHECKS, "step": 1},
                                         format="json")
    assert response.json()["status"] == "review_2"
    assert response.json()["current_step_name"] == "终审"
    response = api(people["first"]).post(f"/api/v1/content/items/{pk}/approve/", {"checks": CHECKS, "step": 1},
                                         format="json")
    assert response.status_code == 409
    response = api(people["final"]).post(f"/api/v1/content/items/{pk}/return/", {}, format="json")
    assert response.status_code == 400
    assert "comment" in response.json()
    response = api(people["final"]).post(f"/api/v1/content/items/{pk}/return/", {"comment": "标题不准确"}, format="json")
    assert response.json()["status"] == "draft"
    assert client.patch(f"/api/v1/content/items/{pk}/", {"title": "加装电梯意见征询（修订）"}, format="json").status_code == 200
    diff = client.get(f"/api/v1/content/items/{pk}/diff/").json()
    assert diff["title_changed"] is True
    assert "<ins>" in diff["title"]
    assert len(client.get(f"/api/v1/content/items/{pk}/revisions/").json()) == 3
    assert client.get(f"/api/v1/content/items/{pk}/diff/?from=x").status_code == 400
    assert client.get(f"/api/v1/content/items/{pk}/diff/?to=99").status_code == 400
    client.post(f"/api/v1/content/items/{pk}/submit/", {}, format="json")
    api(people["first"]).post(f"/api/v1/content/items/{pk}/approve/", {"checks": CHECKS}, format="json")
    response = api(people["final"]).post(f"/api/v1/content/items/{pk}/approve/", {"checks": CHECKS}, format="json")
    assert response.json()["status"] in {"approved", "published"}
    item = ContentItem.objects.get(pk=pk)
    if item.status == Status.APPROVED:
        assert client.post(f"/api/v1/content/items/{pk}/publish/", {}, format="json").json()["status"] == "published"
    assert client.post(f"/api/v1/content/items/{pk}/withdraw/", {}, format="json").status_code == 400
    response = client.post(f"/api/v1/content/items/{pk}/withdraw/", {"comment": "数据有误"}, format="json")
    assert response.json()["status"] == "withdrawn"
    assert client.post(f"/api/v1/content/items/{pk}/withdraw/", {"comment": "再撤"}, format="json").status_code == 409


@pytest.mark.django_db
def test_multipart_upload_refuses_svg_and_executables_and_saves_nothing(api, people, chain):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .factories import EXE, SVG

    client = api(people["author"])
    for upload in (SimpleUploadedFile("a.svg", SVG), SimpleUploadedFile("photo.jpg", EXE, content_type="image/jpeg")):
        response = client.post("/api/v1/content/items/", {**ITEM, "kind": "images", "files": [image_upload(), upload]},
                               format="multipart")
        assert response.status_code == 400
        assert "files" in response.json()
    assert ContentItem.objects.count() == 0
    response = client.post("/api/v1/content/items/", {**ITEM, "kind": "images", "files": [image_upload()]},
                           format="multipart")
    assert response.status_code == 201
    assert response.json()["attachments"][0]["media"] == "image"


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "field"), [
    ({"kind": "poem"}, "kind"), ({"title": ""}, "title"), ({"audience": "310110012000"}, "audience"),
    ({"audience": "999999999999"}, "audience"), ({"is_time_bound": True}, "expire_at"),
    ({"publish_at": "2026-12-01T10:00:00+08:00", "expire_at": "2026-11-30T10:00:00+08:00"}, "expire_at"),
    ({"source_url": "javascript:alert(1)"}, "source_url"), ({"publish_at": "tomorrow"}, "publish_at"),
])
def test_bad_item_input_is_400_naming_the_field(api, people, data, field):
    response = api(people["author"]).post("/api/v1/content/items/", {**ITEM, **data}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert ContentItem.objects.count() == 0


@pytest.mark.django_db
def test_outside_and_missing_audience_get_the_same_message(api, people):
    client = api(people["author"])
    outside = client.post("/api/v1/content/items/", {**ITEM, "audience": "310110012000"}, format="json").json()
    missing = client.post("/api/v1/content/items/", {**ITEM, "audience": "310110999999"}, format="json").json()
    assert outside["audience"][0].replace("310110012000", "X") == missing["audience"][0].replace("310110999999", "X")


@pytest.mark.django_db
def test_item_filters(api, people, make_item, regions):
    published = make_item(Status.PUBLISHED, publish_at=timezone.now() - timedelta(days=1))
    draft = make_item(Status.DRAFT, kind="article", title="草稿文章")
    client = api(people["street_ops"])

    def ids(query):
        response = client.get(f"/api/v1/content/items/?{query}")
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids("status=published") == {published.pk}
    assert ids("kind=article") == {draft.pk}
    assert ids("region=310115015001") == {published.pk, draft.pk}
    assert ids("region=310115016000") == set()
    assert ids("audience=310115015001") == {published.pk, draft.pk}
    today = timezone.localdate()
    assert ids(f"date_from={(today - timedelta(days=2)).isoformat()}&date_to={today.isoformat()}") == {published.pk}
    for bad in ("status=nope", "kind=poem", "date_from=yesterday"):
        response = client.get(f"/api/v1/content/items/?{bad}")
        assert response.status_code == 400
        assert bad.split("=")[0] in response.json()


@pytest.mark.django_db
def test_published_items_reach_their_audience_subtree_and_no_further(api, people, make_item, make_user, regions):
    street_item = make_item(Status.PUBLISHED)
    cousin = make_user("cuizhuyuan", roles=["staff"])
    assert street_item.pk not in {r["id"] for r in api(cousin).get("/api/v1/content/items/").json()["results"]}
    item = services.item_create(actor=people["street_staff"], **{**ITEM, "title": "街道通知"})
    assert item.audience.code == "310115015000"
    ContentItem.objects.filter(pk=item.pk).update(status=Status.PUBLISHED)
    assert item.pk in {r["id"] for r in api(cousin).get("/api/v1/content/items/").json()["results"]}
    assert item.pk not in {r["id"] for r in api(make_user("huamu", roles=["staff"])).get(
        "/api/v1/content/items/").json()["results"]}


@pytest.mark.django_db
def test_chains_over_the_api(api, people, regions, chain):
    client = api(people["street_ops"])
    body = client.get("/api/v1/content/review-chains/").json()
    assert [row["region"] for row in body["results"]] == ["310115015000"]
    assert body["results"][0]["editable"] is True
    response = client.put(f"/api/v1/content/review-chains/{chain.pk}/", {"steps": [
        {"name": "初审", "role": "reviewer", "level": "street"}, {"name": "复审", "role": "reviewer", "level": "street"},
        {"name": "终审", "role": "operator", "level": "district"}]}, format="json")
    assert response.status_code == 200
    assert [s["name"] for s in response.json()["steps"]] == ["初审", "复审", "终审"]
    for steps in ([], [{"name": "终审", "role": "reviewer", "level": "village"}],
                  [{"name": "终审", "role": "reviewer", "level": "street"}, {"name": "初审", "role": "reviewer",
                                                                             "level": "street"}],
                  [{"name": "初审", "role": "reviewer", "level": "district"}, {"name": "终审", "role": "reviewer",
                                                                              "level": "street"}],
                  [{"name": "终审", "role": "auditor", "level": "street"}]):
        response = client.put(f"/api/v1/content/review-chains/{chain.pk}/", {"steps": steps}, format="json")
        assert response.status_code == 400, steps
        assert "steps" in response.json()
    assert api(people["district_ops"]).put(f"/api/v1/content/review-chains/{chain.pk}/", {"steps": [
        {"name": "终审", "role": "reviewer", "level": "district"}]}, format="json").status_code == 403
    assert client.delete(f"/api/v1/content/review-chains/{chain.pk}/").status_code == 204
    response = api(people["district_ops"]).post("/api/v1/content/review-chains/", {"steps": [
        {"name": "终审", "role": "reviewer", "level": "district"}]}, format="json")
    assert response.status_code == 201
    assert response.json()["region"] == "310115000000"


@pytest.mark.django_db
def test_training_over_the_api(api, people):
    ops = api(people["district_ops"])
    response = ops.post("/api/v1/content/training/", {"title": "新功能指南", "body": "操作步骤",
                                                      "files": [image_upload()]}, format="multipart")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert len(response.json()["files"]) == 1
    assert api(people["author"]).get("/api/v1/content/training/?read=false").json()["count"] == 1
    assert api(people["author"]).post(f"/api/v1/content/training/{pk}/read/").status_code == 200
    assert api(people["author"]).post(f"/api/v1/content/training/{pk}/read/").status_code == 200
    assert api(people["author"]).get("/api/v1/content/training/?read=true").json()["count"] == 1
    coverage = ops.get(f"/api/v1/content/training/{pk}/coverage/").json()
    assert coverage["read"] == 1
    assert coverage["total"] > coverage["read"]
    assert people["author"].username not in {p["username"] for p in coverage["non_readers"]}
    reminded = ops.post(f"/api/v1/content/training/{pk}/remind/").json()["reminded"]
    assert reminded == coverage["unread"] - 1  # not the publisher
    assert ops.post(f"/api/v1/content/training/{pk}/remind/").json()["reminded"] == 0  # once a day
    assert api(people["author"]).post("/api/v1/content/training/", {"title": "x"}, format="json").status_code == 403
    assert ops.post("/api/v1/content/training/", {"title": ""}, format="json").status_code == 400
    file_id = response.json()["files"][0]["id"]
    assert api(people["author"]).get(f"/api/v1/content/training/{pk}/download/?file={file_id}").status_code == 200
    assert api(people["author"]).get(f"/api/v1/content/training/{pk}/download/?file=x").status_code == 404


@pytest.mark.django_db
def test_feedback_over_the_api(api, people):
    response = api(people["author"]).post("/api/v1/content/feedback/", {"kind": "suggestion", "title": "建议",
                                                                        "body": "增加语音播报"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["handler_region"] == "310115015000"
    pk = body["id"]
    assert api(people["author"]).post(f"/api/v1/content/feedback/{pk}/answer/", {"comment": "x"},
                                      format="json").status_code == 403
    street = api(people["street_ops"])
    assert street.post(f"/api/v1/content/feedback/{pk}/forward/", {}, format="json").status_code == 400
    response = street.post(f"/api/v1/content/feedback/{pk}/forward/", {"comment": "需区级统筹"}, format="json")
    assert response.json()["handler_region"] == "310115000000"
    assert street.post(f"/api/v1/content/feedback/{pk}/answer/", {"comment": "x"}, format="json").status_code == 403
    response = api(people["district_ops"]).post(f"/api/v1/content/feedback/{pk}/answer/", {"comment": "已采纳"},
                                                format="json")
    assert response.json()["status"] == "answered"
    assert response.json()["answer"] == "已采纳"
    assert api(people["author"]).post(f"/api/v1/content/feedback/{pk}/close/", {}, format="json").json()[
        "status"] == "closed"
    counts = api(people["district_ops"]).get("/api/v1/content/feedback/counts/").json()
    district = next(row for row in counts if row["level"] == "district")
    assert district["closed"] == 1
    assert api(people["author"]).post("/api/v1/content/feedback/", {"kind": "x", "title": "", "body": ""},
                                      format="json").status_code == 400
    assert Feedback.objects.count() == 1


@pytest.mark.django_db
def test_openapi_schema_describes_the_content_endpoints(api, people):
    response = api(people["author"]).get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/content/items/", "/api/v1/content/items/{id}/approve/", "/api/v1/content/items/{id}/return/",
                 "/api/v1/content/review-chains/", "/api/v1/content/training/{id}/coverage/",
                 "/api/v1/content/feedback/counts/", "/api/v1/content/items/{id}/diff/"):
        assert path in paths, path
    approve = paths["/api/v1/content/items/{id}/approve/"]["post"]
    assert "ContentItemDetail" in str(approve["responses"]["200"])


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/content/items/", "/api/v1/content/feedback/", "/api/v1/content/training/",
                                 "/api/v1/content/review-chains/"])
def test_lists_keep_a_constant_number_of_queries(api, people, make_item, url, django_assert_max_num_queries):
    client = api(people["street_ops"])
    for n in range(3):
        make_item(Status.PUBLISHED, title=f"通知{n}")
        services.feedback_raise(actor=people["author"], kind="question", title=f"问题{n}", body="内容")
        services.material_create(actor=people["street_ops"], title=f"指南{n}")
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url, {"page_size": 2})
    for n in range(3, 20):
        make_item(Status.PUBLISHED, title=f"通知{n}")
        services.feedback_raise(actor=people["author"], kind="question", title=f"问题{n}", body="内容")
        services.material_create(actor=people["street_ops"], title=f"指南{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, {"page_size": 200})
    assert response.status_code == 200


@pytest.mark.django_db
def test_every_answer_conforms_to_its_schema(api, people, make_item, chain):
    """Each GET, create and action answers with the body the OpenAPI document declares (tests/openapi.py)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.openapi import assert_conforms

    published = make_item(Status.PUBLISHED, files=[image_upload()], **REPRINT)
    draft = make_item(title="草稿")
    draft = services.item_update(actor=people["author"], item=draft, title="草稿（改）", files=[image_upload("二.png")])
    material = services.material_create(actor=people["district_ops"], title="新功能操作指南", body="请阅读",
                                        files=[SimpleUploadedFile("指南.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")])
    feedback = services.feedback_raise(actor=people["author"], kind="question", title="怎么上传视频", body="上传失败")
    answered = services.feedback_raise(actor=people["coauthor"], kind="suggestion", title="建议", body="增加模板")
    services.feedback_act(actor=people["street_ops"], feedback=answered, action="answer", comment="已采纳")
    ITEMS, T, F = "/api/v1/content/items/", "/api/v1/content/training/", "/api/v1/content/feedback/"
    for who, urls in [
        ("author", [ITEMS, f"{ITEMS}?status=published", f"{ITEMS}{published.pk}/", f"{ITEMS}{draft.pk}/",
                    f"{ITEMS}{published.pk}/revisions/", f"{ITEMS}{draft.pk}/revisions/", f"{ITEMS}{draft.pk}/diff/",
                    f"{ITEMS}{draft.pk}/diff/?from=1&to=2", f"{ITEMS}{published.pk}/diff/?from=0&to=1",
                    T, f"{T}{material.pk}/", F, f"{F}{feedback.pk}/", f"{F}{answered.pk}/", f"{F}counts/",
                    "/api/v1/content/review-chains/", f"/api/v1/content/review-chains/{chain.pk}/"]),
        ("district_ops", [f"{T}{material.pk}/coverage/", f"{F}counts/", F]),
    ]:
        client = api(people[who])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (url, response.content)
            assert_conforms(response)
    client = api(people["author"])
    for url, data in [(ITEMS, ITEM), (F, {"kind": "question", "title": "新问题", "body": "内容"})]:
        response = client.post(url, data, format="json")
        assert response.status_code == 201, (url, response.content)
        assert_conforms(response, "post")
    pk = response.json()["id"]
    response = client.post(f"{ITEMS}{draft.pk}/submit/", {}, format="json")
    assert response.status_code == 200, response.content
    assert_conforms(response, "post")
    response = client.patch(f"{ITEMS}{published.pk}/", {"title": "改标题"}, format="json")
    assert_conforms(response, "patch")
    response = api(people["first"]).post(f"{ITEMS}{draft.pk}/approve/", {"checks": CHECKS, "step": 1}, format="json")
    assert response.status_code == 200, response.content
    assert_conforms(response, "post")
    response = api(people["street_ops"]).post(f"{F}{pk}/answer/", {"comment": "请看指南"}, format="json")
    assert response.status_code == 200, response.content
    assert_conforms(response, "post")
    response = api(people["author"]).post(f"{T}{material.pk}/read/", {}, format="json")
    assert response.status_code == 200, response.content
    assert_conforms(response, "post")
