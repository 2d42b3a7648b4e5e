"""Lists never silently cut (issue 14 §3): every HTML list pages with numbers (elided around the current page)
and shows the true count; the filters stay in the links."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory

from shequyun.notifications.models import Notification
from shequyun.paging import paginate

ROOT = Path(__file__).resolve().parent.parent
APPS = ["accounts", "scenarios", "content", "security", "dataassets", "shequyun/notifications"]


def test_partial_elides_page_numbers_and_shows_the_true_count():
    request = RequestFactory().get("/x/", {"status": "online", "page": "64"})
    context = paginate(request, list(range(3175)), per_page=25)
    html = render_to_string("partials/pagination.html", context)
    assert "共 3,175 条，当前第 1,576–1,600 条" in html
    numbers = re.findall(r">(\d+)<span class=\"visually-hidden\">|aria-label=\"第 (\d+) 页\"", html)
    shown = sorted(int(a or b) for a, b in numbers)
    assert shown == [1, 62, 63, 64, 65, 66, 127]
    assert html.count("…") == 2
    assert 'href="?status=online&amp;page=65"' in html


def test_a_page_built_without_paginate_is_elided_too():
    page = Paginator(list(range(3175)), 25).get_page(1)
    html = render_to_string("partials/pagination.html", {"page": page, "querystring": ""})
    assert "127" in html
    assert html.count("…") == 1
    assert 'aria-label="第 100 页"' not in html


def test_no_html_view_slices_a_list():
    """No list view cuts a queryset at a fixed length (``[:300]``): lists go through ``paginate()``."""
    offenders = []
    pattern = re.compile(r"(queue|list|_queryset|queryset|rows|items)\([^)]*\)\)?\s*(\.[a-z_]+\([^)]*\))*\[:\d{2,}\]")
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "views" not in path.as_posix().split("/")[-2:][0] and "views" not in path.name:
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if pattern.search(line) and "export" not in line and "xlsx" not in line:
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


@pytest.mark.django_db
def test_inbox_pages_through_every_message(client, make_user):
    user = make_user("dongming")
    Notification.objects.bulk_create(Notification(recipient=user, title=f"消息 {n}") for n in range(95))
    client.force_login(user)
    html = client.get("/notifications/?page=4").content.decode()
    assert "共 95 条，当前第 91–95 条" in html
    assert 'aria-label="第 1 页"' in html
    assert 'aria-current="page"' in html
