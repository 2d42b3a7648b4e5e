"""Benchmarks of content (make bench): the sensitive-word scan over a 100,000-word lexicon, and the review queue and
the public village page over 100,000 items."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from accounts.models import Region
from content import lexicon
from content.models import ContentItem, ItemRevision, Status
from content.permissions import review_queryset
from content.selectors import public_images, public_items

CHARS = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可也你说年着发面能后过子自之下"


def _words(n: int, rng: random.Random) -> list[tuple[str, str]]:
    seen: set[str] = set()
    while len(seen) < n:
        seen.add("".join(rng.choice(CHARS) for _ in range(rng.randint(2, 6))))
    return [(w, "block" if i % 10 == 0 else "flag") for i, w in enumerate(sorted(seen))]


@pytest.mark.bench
def test_bench_build_lexicon_of_100000_words(benchmark):
    words = _words(100_000, random.Random(1))
    automaton = benchmark.pedantic(lambda: lexicon.build(words), rounds=3, iterations=1)
    assert len(automaton) == 100_000


@pytest.mark.bench
def test_bench_scan_against_100000_words(benchmark):
    rng = random.Random(2)
    automaton = lexicon.build(_words(100_000, rng))
    text = "".join(rng.choice(CHARS) for _ in range(5_000))  # a long article
    hits = benchmark(lambda: lexicon.scan(text, automaton))
    assert hits


@pytest.fixture
def items_100000(regions, make_user):
    """100,000 items over Dongming's villages: 1/10 waiting on the street's 初审, 1/2 published."""
    author = make_user("sanlinyuan", roles=["staff"])
    villages = list(Region.objects.filter(parent=regions["dongming"]))
    rng = random.Random(3)
    now = timezone.now()
    rows = []
    for i in range(100_000):
        village = rng.choice(villages)
        status = Status.REVIEW_1 if i % 10 == 0 else (Status.PUBLISHED if i % 2 else Status.DRAFT)
        rows.append(ContentItem(
            kind="notice", title=f"通知{i}", body="<p>正文</p>", region=village, audience=village, status=status,
            created_by=author, published_at=now if status == Status.PUBLISHED else None, revision_number=1,
            current_step=1 if status == Status.REVIEW_1 else 0, step_count=2 if status == Status.REVIEW_1 else 0,
            current_step_region=regions["dongming"] if status == Status.REVIEW_1 else None,
            current_step_role="reviewer" if status == Status.REVIEW_1 else ""))
    ContentItem.objects.bulk_create(rows, batch_size=5000)
    ItemRevision.objects.bulk_create([ItemRevision(item_id=pk, number=1, title="t", created_by=author, attachments=[])
                                      for pk in ContentItem.objects.values_list("pk", flat=True)], batch_size=5000)
    return regions


@pytest.mark.bench
@pytest.mark.django_db
def test_bench_review_queue_over_100000_items(benchmark, items_100000, make_user):
    reviewer = make_user("dongming", roles=["reviewer"])
    page = benchmark(lambda: list(review_queryset(reviewer).order_by("publish_at", "pk")[:50]))
    assert len(page) == 50


@pytest.mark.bench
@pytest.mark.django_db
def test_bench_public_page_over_100000_items(benchmark, items_100000):
    village = items_100000["sanlinyuan"]

    def page():
        items = list(public_items(village)[:20])
        public_images(items)
        return items

    assert len(benchmark(page)) == 20
