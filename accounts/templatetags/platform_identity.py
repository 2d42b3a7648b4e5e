"""``{% platform_sign_in %}``: the 「统一身份认证登录」 button on the sign-in page, shown only when a unified identity
platform is configured (accounts/oidc.py)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("accounts/_platform_sign_in.html", takes_context=True)
def platform_sign_in(context: template.Context) -> dict[str, Any]:
    from accounts.oidc import enabled

    return {"enabled": enabled(), "next": context.get("next", "")}
