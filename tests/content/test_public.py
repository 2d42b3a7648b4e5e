"""The residents' page of a village: no sign-in, published items of its audience only, nothing personal, cacheable,
a constant number of queries whatever the page size."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from content import services, tasks
from content.models import ContentItem, Status

from .factories import ITEM, image_upload


@pytest.mark.django_db
def test_public_village_page(client, people, make_item, regions, clock):
    published = make_item(Status.PUBLISHED, files=[image_upload()])
    draft = make_item(Status.DRAFT, title="尚未审核的草稿")
    street_item = services.item_create(actor=people["street_staff"], **{**ITEM, "title": "东明路街道的通知"})
    ContentItem.objects.filter(pk=street_item.pk).update(status=Status.PUBLISHED, published_at=timezone.now())
    response = client.get("/content/public/310115015001/")
    assert response.status_code == 200
    page = response.content.decode()
    assert published.title in page
    assert "东明路街道的通知" in page  # the street's audience contains the village
    assert draft.title not in page
    assert people["author"].full_name not in page
    assert people["author"].username not in page
    assert "csrf" not in page.lower()
    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    # (Vary: Cookie comes from the site-wide middleware that reads request.user; visitors without cookies share
    # one cache entry, and the page itself sets none.)
    assert not response.cookies
    sibling = client.get("/content/public/310115015002/").content.decode()
    assert published.title not in sibling
    assert "东明路街道的通知" in sibling
    item_page = client.get(f"/content/public/310115015001/{published.pk}/")
    assert item_page.status_code == 200
    image = published.files.get()
    assert client.get(f"/content/public/310115015001/{published.pk}/files/{image.pk}/").status_code == 200
    assert client.get(f"/content/public/310115015002/{published.pk}/").status_code == 404
    assert client.get(f"/content/public/310115015001/{draft.pk}/").status_code == 404
    assert client.get("/content/public/310115015000/").status_code == 404  # a street is not a village
    assert client.get("/content/public/nope/").status_code == 404


@pytest.mark.django_db
def test_expired_items_leave_the_public_page(client, make_item, clock):
    item = make_item(Status.PUBLISHED, is_time_bound=True, expire_at=timezone.now() + timedelta(days=1))
    assert item.title in client.get("/content/public/310115015001/").content.decode()
    clock.move_to(timezone.now() + timedelta(days=1, minutes=5))
    tasks.expire_due()
    assert item.title not in client.get("/content/public/310115015001/").content.decode()


@pytest.mark.django_db
def test_public_page_queries_do_not_grow_with_the_page(client, make_item, django_assert_max_num_queries):
    for n in range(2):
        make_item(Status.PUBLISHED, title=f"通知{n}", files=[image_upload()])
    client.get("/content/public/310115015001/")
    with django_assert_max_num_queries(6) as few:
        client.get("/content/public/310115015001/")
    for n in range(2, 20):
        make_item(Status.PUBLISHED, title=f"通知{n}", files=[image_upload()])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/content/public/310115015001/").status_code == 200


@pytest.mark.django_db
def test_review_queue_and_item_list_pages_keep_constant_queries(client, people, make_item,
                                                                django_assert_max_num_queries):
    for n in range(2):
        make_item(Status.REVIEW_1, title=f"待审{n}")
    client.force_login(people["first"])
    client.get("/content/review/")
    with django_assert_max_num_queries(40) as few:
        client.get("/content/review/")
        client.get("/content/items/")
    for n in range(2, 15):
        make_item(Status.REVIEW_1, title=f"待审{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/content/review/")
        client.get("/content/items/")
