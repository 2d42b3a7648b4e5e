"""Journey: a street admin opens a village account; the new user must change the initial password."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from tests.factories import TEST_PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_street_admin_opens_a_village_account_and_the_user_changes_the_password(journey, make_user):
    admin = make_user("dongming", username="dm_admin", roles=[Role.ACCOUNT_ADMIN])
    page = journey.page
    journey.sign_in(admin.username, TEST_PASSWORD)

    journey.follow(lambda: page.get_by_role("navigation", name="主导航").get_by_role("link", name="账号管理").click())
    journey.follow(lambda: page.get_by_role("link", name="开通账号").first.click())
    page.get_by_label("用户名").fill("sly_new")
    page.get_by_label("姓名").fill("王小红")
    page.get_by_label("所属区域").select_option("310115015001")
    page.get_by_label("手机号").fill("13812345678")
    journey.follow(lambda: page.get_by_role("button", name="开通").click())
    initial = page.get_by_test_id("initial-password").inner_text()
    assert page.get_by_test_id("new-username").inner_text() == "sly_new"

    journey.follow(lambda: page.get_by_role("button", name="退出登录").click())
    journey.sign_in("sly_new", initial)
    assert page.url.endswith("/accounts/password/")
    assert "特殊字符" in page.locator("#password-rules").inner_text()

    page.get_by_label("当前密码").fill(initial)
    page.locator("#id_new_password").fill("password1")
    page.get_by_label("再次输入新密码").fill("password1")
    journey.follow(lambda: page.get_by_role("button", name="保存新密码").click())
    errors = page.locator("#form-errors").inner_text()
    assert "特殊字符" in errors

    page.get_by_label("当前密码").fill(initial)
    page.locator("#id_new_password").fill("Sanlin#Yuan2026")
    page.get_by_label("再次输入新密码").fill("Sanlin#Yuan2026")
    journey.follow(lambda: page.get_by_role("button", name="保存新密码").click())
    assert page.get_by_test_id("home-region").inner_text() == "三林苑居委会 · 工作台"
