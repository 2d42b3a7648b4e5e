"""Forms tell everything at once (issue 14 §10): the new-account form reports the e-mail format, the permission
and the service's checks (username taken, phone, ID number) in ONE round, and "N 处问题" counts every message."""

from __future__ import annotations

import re

import pytest

from accounts.models import User
from accounts.roles import Role


@pytest.mark.django_db
def test_new_account_form_reports_every_problem_in_one_round(client, make_user):
    admin = make_user("dongming", roles=[Role.ACCOUNT_ADMIN])
    taken = make_user("dongming")
    client.force_login(admin)
    response = client.post("/accounts/manage/new/", {
        "username": taken.username, "full_name": "某人", "region": "310115015000",
        "roles": ["account_admin"],  # an admin of one's own level: not this admin's to open
        "email": "not-an-address", "phone": "12", "id_number": "123",
    })
    html = response.content.decode()
    assert not User.objects.filter(full_name="某人").exists()
    for message in ("合法的邮件地址", "逐级管理", "该用户名已被使用", "手机号应为 11 位数字", "身份证号格式"):
        assert message in html, message
    errors = re.search(r'<div class="alert alert-danger" role="alert" id="form-errors".*?</div>', html, re.S).group(0)
    listed = errors.count("<li>")
    assert listed == 5
    assert f"请修正以下 {listed} 处问题" in errors


@pytest.mark.django_db
def test_count_is_every_message_not_every_field(client, make_user):
    from django import forms
    from django.template.loader import render_to_string

    class Two(forms.Form):
        name = forms.CharField()

    form = Two(data={})
    form.is_valid()
    form.add_error(None, "第一个问题")
    form.add_error(None, "第二个问题")
    html = render_to_string("partials/form_errors.html", {"form": form})
    assert "请修正以下 3 处问题" in html


def test_initial_passwords_start_with_a_letter():
    from accounts.services.accounts import generate_password

    assert all(generate_password()[0].isalpha() for _ in range(500))
