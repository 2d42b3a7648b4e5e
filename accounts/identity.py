"""Linking accounts to the unified identity platform (统一身份认证, DESIGN §3): validation and audit of
``User.platform_id``.

An account admin writes the link — in the browser (account page), the API (``platform_id`` on
``/api/v1/accounts/users/``) or the bulk import (column 统一身份标识) — always through accounts/services/accounts.py
under the tiered rule; the platform itself never does (accounts/oidc.py only reads it). Every change of a link is
an audit event (linked / unlinked).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from shequyun.audit import AuditEventType, record_event

MAX_LENGTH = 255  # OpenID Connect Core §2: a subject identifier is at most 255 ASCII characters


def clean_platform_id(value: str | None, errors: dict[str, list[str]], *, user: Any = None,
                      taken: set[str] | None = None) -> str | None:
    """The identifier to store (None: not linked), or None with an error naming ``platform_id``. ``taken``: the
    identifiers already linked (the bulk import asks once for all rows); else the database is asked, leaving out
    ``user`` itself."""
    from .models import User

    value = (value or "").strip()
    if not value:
        return None
    if len(value) > MAX_LENGTH or any(ch.isspace() or not ch.isprintable() for ch in value):
        errors.setdefault("platform_id", []).append(_("统一身份标识应为 1–255 个字符，不含空格。"))
        return None
    if taken is not None:
        clash = value in taken
    else:
        clash = User.objects.filter(platform_id=value).exclude(pk=getattr(user, "pk", None)).exists()
    if clash:
        errors.setdefault("platform_id", []).append(_("该统一身份标识已关联其他账号。"))
        return None
    return value


def taken_platform_ids(values: Iterable[str]) -> set[str]:
    """Which of these identifiers are linked already (one query)."""
    from .models import User

    wanted = {v.strip() for v in values if v and v.strip()}
    if not wanted:
        return set()
    return set(User.objects.filter(platform_id__in=wanted).values_list("platform_id", flat=True))


def record_link_change(*, actor: Any, user: Any, before: str | None, after: str | None) -> None:
    """One audit event per change of an account's link (nothing when it did not change)."""
    if (before or None) == (after or None):
        return
    if after:
        record_event(AuditEventType.PLATFORM_ID_LINKED, actor=actor, target=user, platform_id=after,
                     previous=before or "")
    else:
        record_event(AuditEventType.PLATFORM_ID_UNLINKED, actor=actor, target=user, previous=before or "")


def record_imported_links(*, actor: Any, users: Iterable[Any]) -> None:
    """The bulk import links many accounts in one insert: one audit event names them all."""
    linked = [(u.username, u.platform_id) for u in users if u.platform_id]
    if linked:
        record_event(AuditEventType.PLATFORM_ID_LINKED, actor=actor, via="import", count=len(linked),
                     links=[{"username": username, "platform_id": pid} for username, pid in linked])
