"""Password rules of DESIGN §3 / seed 001 §3(六)1 that Django does not ship."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """Letters, digits and special characters, all three."""

    def validate(self, password: str, user: Any = None) -> None:
        missing = []
        if not re.search(r"[A-Za-z]", password):
            missing.append(_("字母"))
        if not re.search(r"\d", password):
            missing.append(_("数字"))
        if not re.search(r"[^A-Za-z0-9]", password):
            missing.append(_("特殊字符"))
        if missing:
            raise ValidationError(
                _("密码必须同时包含字母、数字和特殊字符，缺少：%(missing)s。") % {"missing": "、".join(missing)},
                code="password_character_classes",
            )

    def get_help_text(self) -> str:
        return _("密码必须同时包含字母、数字和特殊字符。")


class NotContainingUsernameValidator:
    """The password may not contain the username (case-insensitive)."""

    def validate(self, password: str, user: Any = None) -> None:
        username = getattr(user, "username", "") or ""
        if username and username.lower() in password.lower():
            raise ValidationError(_("密码不能包含用户名。"), code="password_contains_username")

    def get_help_text(self) -> str:
        return _("密码不能包含用户名。")


class PasswordHistoryValidator:
    """Not one of the last N passwords (``PASSWORD_HISTORY_DEPTH``, 5 by default), the current one included."""

    def validate(self, password: str, user: Any = None) -> None:
        from django.conf import settings
        from django.contrib.auth.hashers import check_password

        if user is None or not getattr(user, "pk", None):
            return
        depth = settings.PASSWORD_HISTORY_DEPTH
        recent = list(user.password_history.order_by("-created_at", "-id").values_list("password", flat=True)[:depth])
        if user.password:
            recent.append(user.password)
        if any(check_password(password, encoded) for encoded in recent if encoded):
            raise ValidationError(
                _("新密码不能与最近 %(depth)d 次使用过的密码相同。") % {"depth": depth}, code="password_reused"
            )

    def get_help_text(self) -> str:
        return _("不能与最近 5 次使用过的密码相同。")
