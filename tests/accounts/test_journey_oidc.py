"""Journey: an account admin links a staff account to its platform identifier; the person signs in through the
unified identity platform's own sign-in page and out again (which ends the platform session too); a person whose
identifier is linked to no account is told whom to ask.

The platform (tests/oidc_platform) is a real OpenID Connect provider in its own process on 127.0.0.1. Its sign-in
page is not the portal's, so axe does not judge it — every portal page is checked — but no request of the journey,
the platform's included, may leave the machine (the journey fixture's rule)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from accounts.roles import Role
from tests.factories import TEST_PASSWORD


def at_platform(journey, platform) -> None:  # type: ignore[no-untyped-def]
    """The browser shows the platform's sign-in page: not a portal page, so not one for axe."""
    journey.page.wait_for_load_state("load")
    assert journey.page.url.startswith(f"{platform.url}/login/")
    journey.unchecked = [u for u in journey.unchecked if not u.startswith(platform.url)]


def sign_in_at_platform(journey, platform, username: str) -> None:  # type: ignore[no-untyped-def]
    page = journey.page
    with page.expect_navigation():
        page.get_by_role("link", name="统一身份认证登录").click()
    at_platform(journey, platform)
    page.get_by_label("平台账号").fill(username)
    page.get_by_label("平台密码").fill("Platform#2026")
    journey.follow(lambda: page.get_by_role("button", name="登录平台").click())


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_linked_person_signs_in_and_out_through_the_platform(journey, live_server, platform, make_user):
    admin = make_user("dongming", username="dm_admin", roles=[Role.ACCOUNT_ADMIN])
    staff = make_user("dongming", username="dm_zhang", full_name="张伟", roles=[Role.STAFF],
                      must_change_password=True)  # a local-password rule that a platform sign-in does not meet
    page = journey.page

    # The account admin links the account on its page (the tiered rule: the platform creates nothing).
    journey.sign_in(admin.username, TEST_PASSWORD)
    journey.goto(f"/accounts/manage/{staff.pk}/")
    page.get_by_label("统一身份标识").fill(platform.identifier("zhang.wei"))
    journey.follow(lambda: page.get_by_role("button", name="保存", exact=True).click())
    assert page.get_by_test_id("platform-id").inner_text() == "SH-GOV-0001"
    journey.follow(lambda: page.get_by_role("button", name="退出登录").click())

    # The person chooses 「统一身份认证登录」 beside the password form and signs in at the platform's page.
    assert urlsplit(page.url).path == "/accounts/login/"
    assert page.locator("#id_password").is_visible()
    sign_in_at_platform(journey, platform, "zhang.wei")
    assert urlsplit(page.url).path == "/"  # home, not the password-change page: the platform used no local password
    assert page.get_by_role("button", name="退出登录").is_visible()

    # Sign-out ends the portal session and the platform's, and comes back to the sign-in page …
    journey.follow(lambda: page.get_by_role("button", name="退出登录").click())
    assert urlsplit(page.url).path == "/accounts/login/"
    assert page.url.startswith(live_server.url)
    # … so the platform asks for its password again.
    with page.expect_navigation():
        page.get_by_role("link", name="统一身份认证登录").click()
    at_platform(journey, platform)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_unlinked_person_is_told_whom_to_ask(journey, live_server, platform, make_user):
    make_user("dongming", username="dm_admin", roles=[Role.ACCOUNT_ADMIN])
    journey.goto("/accounts/login/")
    sign_in_at_platform(journey, platform, "chen.jing")
    page = journey.page
    assert urlsplit(page.url).path == "/accounts/oidc/callback/"
    assert "尚未关联门户账号" in page.get_by_role("alert").inner_text()
    assert page.get_by_test_id("platform-identifier").inner_text() == "SH-GOV-0009"
    journey.follow(lambda: page.get_by_role("link", name="返回登录页").click())
    assert urlsplit(page.url).path == "/accounts/login/"
