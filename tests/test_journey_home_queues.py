"""Journey: each demo role signs in and finds what waits on it on the home page (issue 14 point 2); axe on every
home; a screenshot of each (``HOME_SCREENSHOTS=docs/screenshots`` writes them where the README shows them)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.factories import TEST_PASSWORD

from .home_demo import EXPECTED, demo  # noqa: F401


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_role_finds_its_work_on_the_home_page(journey, demo, tmp_path):  # noqa: F811
    from shequyun.home import home_queues

    target = Path(os.environ.get("HOME_SCREENSHOTS") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    page = journey.page
    for role in EXPECTED:
        user = demo[role]
        journey.sign_in(user.username, TEST_PASSWORD)
        queues = home_queues(user)
        if EXPECTED[role]:
            listed = page.get_by_test_id("home-queue").locator("> li")
            assert listed.count() == len(queues)
            for i, queue in enumerate(queues):  # in deadline order, with their counts
                row = listed.nth(i)
                assert row.get_attribute("data-queue") == queue.key
                assert row.get_by_test_id("queue-count").inner_text() == str(queue.count)
        else:
            assert page.get_by_test_id("home-queue-empty").is_visible()
        page.screenshot(path=str(target / f"home-{role}.png"))
        journey.follow(lambda: page.get_by_role("button", name="退出登录").click())

    # The operator opens the scenario that waits for 上线 from the home page.
    journey.sign_in("dongming_operator", TEST_PASSWORD)
    journey.follow(lambda: page.get_by_role("link", name="垃圾分类积分（东明路街道）").click())
    assert page.get_by_role("button", name="上线").is_visible()
    journey.goto("/")
    journey.follow(lambda: page.get_by_role("link", name="被退回待修改的应用场景").click())
    assert page.get_by_test_id("queue").locator("tbody tr").count() == 1
    journey.follow(lambda: page.get_by_test_id("queue-filter").get_by_role("link", name="全部").click())
    assert page.get_by_test_id("queue").locator("tbody tr").count() == 3
