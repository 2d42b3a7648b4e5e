"""Pages of the content module: each renders for the people who use it, bad input names the field and saves
nothing, writes go through the services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from content import services
from content.models import ContentItem, Feedback, ItemRevision, SensitiveWord, Status, TrainingMaterial

from .factories import CHECKS, REPRINT, image_upload


@pytest.mark.django_db
def test_every_page_renders(client, people, make_item, regions):
    published = make_item(Status.PUBLISHED)
    in_review = make_item(Status.REVIEW_1, title="第二条通知")
    material = services.material_create(actor=people["district_ops"], title="新功能操作指南", body="请阅读")
    feedback = services.feedback_raise(actor=people["author"], kind="question", title="怎么上传视频", body="上传失败")
    client.force_login(people["author"])
    for url in ["/content/", "/content/items/", "/content/items/new/", f"/content/items/{published.pk}/",
                f"/content/items/{in_review.pk}/edit/", f"/content/items/{published.pk}/diff/",
                f"/content/items/{published.pk}/record/", "/content/review/", "/content/chains/",
                "/content/training/", f"/content/training/{material.pk}/", "/content/feedback/",
                "/content/feedback/new/", f"/content/feedback/{feedback.pk}/"]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    client.force_login(people["first"])
    assert client.get(f"/content/review/{in_review.pk}/").status_code == 200
    assert in_review.title in client.get("/content/review/").content.decode()
    client.force_login(people["street_ops"])
    assert client.get(f"/content/feedback/{feedback.pk}/").status_code == 200
    client.force_login(people["district_ops"])
    assert "阅读情况" in client.get(f"/content/training/{material.pk}/").content.decode()
    client.force_login(people["city_ops"])
    assert client.get("/content/lexicon/").status_code == 200
    assert client.get(f"/content/public/{regions['sanlinyuan'].code}/").status_code == 200


@pytest.mark.django_db
def test_collection_form_creates_a_draft_with_a_sanitised_body_and_clean_images(client, people):
    client.force_login(people["author"])
    response = client.post("/content/items/new/", {
        "kind": "article", "title": "社区活动回顾", "body": '<p onclick="x()">好<script>alert(1)</script></p>',
        "audience": people["author"].region.pk, "files": [image_upload(gps=True, name="现场.jpg")]})
    assert response.status_code == 302, response.content.decode()[:2000]
    item = ContentItem.objects.get(title="社区活动回顾")
    assert item.body == "<p>好</p>"
    assert item.files.count() == 1
    assert ItemRevision.objects.filter(item=item).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "field"), [
    ({"title": ""}, "title"),
    ({"kind": "poem"}, "kind"),
    ({"is_time_bound": "on"}, "expire_at"),
    ({"publish_at": "2026-13-40T10:00"}, "publish_at"),
    ({"source_url": "javascript:alert(1)"}, "source_url"),
    ({"audience": "999999999"}, "audience"),
])
def test_collection_form_bad_input_names_the_field_and_saves_nothing(client, people, data, field):
    client.force_login(people["author"])
    before = ContentItem.objects.count()
    response = client.post("/content/items/new/", {"kind": "notice", "title": "标题", "body": "正文",
                                                   "audience": people["author"].region.pk, **data})
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert ContentItem.objects.count() == before


@pytest.mark.django_db
def test_a_refused_upload_saves_nothing(client, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .factories import SVG

    client.force_login(people["author"])
    response = client.post("/content/items/new/", {
        "kind": "images", "title": "图集", "audience": people["author"].region.pk,
        "files": [image_upload(), SimpleUploadedFile("logo.svg", SVG, content_type="image/svg+xml")]})
    assert response.status_code == 200
    assert "files" in response.context["form"].errors
    assert not ContentItem.objects.filter(title="图集").exists()


@pytest.mark.django_db
def test_submit_without_citation_is_refused_naming_the_field(client, people, make_item):
    item = make_item(Status.DRAFT, is_reprint=True)
    client.force_login(people["author"])
    response = client.post(f"/content/items/{item.pk}/act/submit/")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-field="source_name"' in page
    assert "来源名称" in page
    item.refresh_from_db()
    assert item.status == Status.DRAFT
    services.item_update(actor=people["author"], item=item, **REPRINT)
    assert client.post(f"/content/items/{item.pk}/act/submit/").status_code == 302
    item.refresh_from_db()
    assert item.status == Status.REVIEW_1


@pytest.mark.django_db
def test_blocked_words_are_highlighted_in_place(client, people, make_item):
    SensitiveWord.objects.create(word="赌博", severity="block")
    from content.lexicon import lexicon_changed

    lexicon_changed()
    item = make_item(Status.DRAFT, body="<p>严禁赌博活动</p>")
    client.force_login(people["author"])
    response = client.post(f"/content/items/{item.pk}/act/submit/")
    assert response.status_code == 400
    assert '<mark class="lexicon-block" data-severity="block">赌博</mark>' in response.content.decode()


@pytest.mark.django_db
def test_review_page_needs_all_four_checks(client, people, make_item):
    item = make_item(Status.REVIEW_1)
    client.force_login(people["first"])
    response = client.post(f"/content/review/{item.pk}/", {"decision": "approve", "checks": CHECKS[:3], "step": 1})
    assert response.status_code == 400
    assert "时效性" in str(response.context["form"].errors)
    response = client.post(f"/content/review/{item.pk}/", {"decision": "approve", "checks": CHECKS, "step": 1})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.REVIEW_2


@pytest.mark.django_db
def test_stale_review_gets_a_plain_message(client, people, make_item):
    item = make_item(Status.REVIEW_2)
    client.force_login(people["first2"])
    response = client.post(f"/content/review/{item.pk}/", {"decision": "approve", "checks": CHECKS, "step": 1},
                           follow=True)
    assert "可能已有其他人处理" in response.content.decode()


@pytest.mark.django_db
def test_lexicon_editor_is_for_city_operations(client, people):
    client.force_login(people["street_ops"])
    assert client.get("/content/lexicon/").status_code == 403
    client.force_login(people["city_ops"])
    response = client.post("/content/lexicon/", {"operation": "add", "add-word": "赌博", "add-severity": "block"})
    assert response.status_code == 302
    assert SensitiveWord.objects.filter(word="赌博", severity="block").exists()
    response = client.post("/content/lexicon/", {"operation": "add", "add-word": "", "add-severity": "block"})
    assert response.status_code == 400
    response = client.post("/content/lexicon/", {"operation": "import", "import-text": "甲\n乙,flag\n丙,bad",
                                                 "import-severity": "block"})
    assert response.status_code == 400
    assert not SensitiveWord.objects.filter(word="甲").exists()
    response = client.post("/content/lexicon/", {"operation": "import", "import-text": "甲\n乙,flag",
                                                 "import-severity": "block"})
    assert response.status_code == 302
    assert SensitiveWord.objects.get(word="乙").severity == "flag"
    word = SensitiveWord.objects.get(word="甲")
    assert client.post("/content/lexicon/", {"operation": "remove", "word_id": word.pk}).status_code == 302
    assert client.post("/content/lexicon/", {"operation": "remove", "word_id": "x"}).status_code == 400


@pytest.mark.django_db
def test_chain_editor(client, people, regions, chain):
    client.force_login(people["street_ops"])
    url = reverse("content:chain_detail", kwargs={"pk": chain.pk})
    response = client.post(url, {"step1_name": "终审", "step1_role": "reviewer", "step1_level": "street",
                                 "step2_name": "初审", "step2_role": "reviewer", "step2_level": "street"})
    assert response.status_code == 400
    response = client.post(url, {"step1_name": "终审", "step1_role": "reviewer", "step1_level": "village"})
    assert response.status_code == 200 or response.status_code == 400
    response = client.post(url, {"step1_name": "终审", "step1_role": "reviewer", "step1_level": "district"})
    assert response.status_code == 302
    assert [s.name for s in chain.steps.all()] == ["终审"]
    client.force_login(people["first"])
    assert client.post(url, {"step1_name": "终审", "step1_role": "reviewer", "step1_level": "street"}).status_code == 403


@pytest.mark.django_db
def test_training_pages(client, people):
    client.force_login(people["district_ops"])
    response = client.post("/content/training/new/", {"title": "", "body": "x"})
    assert response.status_code == 400
    response = client.post("/content/training/new/", {"title": "视频上传指南", "body": "步骤", "feature": "视频"})
    assert response.status_code == 302
    material = TrainingMaterial.objects.get(title="视频上传指南")
    client.force_login(people["author"])
    assert client.post(f"/content/training/{material.pk}/read/").status_code == 302
    assert material.receipts.filter(user=people["author"]).exists()
    assert client.get("/content/training/new/").status_code == 403
    client.force_login(people["district_ops"])
    page = client.get(f"/content/training/{material.pk}/").content.decode()
    assert "已读 1 /" in page
    assert client.post(f"/content/training/{material.pk}/remind/").status_code == 302


@pytest.mark.django_db
def test_feedback_pages(client, people):
    client.force_login(people["author"])
    assert client.post("/content/feedback/new/", {"kind": "question", "title": "", "body": ""}).status_code == 400
    response = client.post("/content/feedback/new/", {"kind": "question", "title": "视频上传失败", "body": "提示格式错误"})
    assert response.status_code == 302
    feedback = Feedback.objects.get(title="视频上传失败")
    assert feedback.handler_region.code == "310115015000"
    client.force_login(people["street_ops"])
    assert "视频上传失败" in client.get("/content/feedback/").content.decode()
    response = client.post(f"/content/feedback/{feedback.pk}/act/answer/", {"comment": "请转码为 MP4"})
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == "answered"


@pytest.mark.django_db
def test_demo_content_loads_twice(client):
    from django.core.management import call_command

    call_command("load_demo", stdout=__import__("io").StringIO())
    call_command("load_demo_content", stdout=__import__("io").StringIO())
    call_command("load_demo_content", stdout=__import__("io").StringIO())
    assert ContentItem.objects.filter(status=Status.PUBLISHED).count() == 1
    assert ContentItem.objects.count() == 4
    page = client.get("/content/public/310115015001/").content.decode()
    assert "垃圾分类投放时间调整" in page
