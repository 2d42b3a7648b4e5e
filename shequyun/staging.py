"""Staging an import between its validation report and its commit, written once for every import (accounts,
data-catalogue items): rows encrypted at rest, owned by the uploader, valid for ``TTL``, deleted on commit or
cancel, and purged by the ``purge_staged_imports`` task when abandoned."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import StagedImport

TTL = timedelta(hours=1)


def stage(*, owner: Any, kind: str, rows: list[dict[str, Any]]) -> str:
    """Keep ``rows`` for ``owner`` and return the token the confirm form posts back."""
    token = uuid.uuid4().hex
    StagedImport.objects.create(token=token, owner=owner, kind=kind, row_count=len(rows),
                                payload=json.dumps(rows, ensure_ascii=False, default=str),
                                expires_at=timezone.now() + TTL)
    return token


def take(*, owner: Any, kind: str, token: str) -> list[dict[str, Any]]:
    """The staged rows (they stay staged until :func:`discard`); the same error for a token that is unknown,
    someone else's, of another kind or expired."""
    staged = StagedImport.objects.filter(token=str(token)[:32], owner=owner, kind=kind,
                                         expires_at__gt=timezone.now()).first()
    if staged is None:
        raise ValidationError({"token": [_("导入内容已失效（超过一小时或已处理），请重新上传。")]})
    return json.loads(staged.payload)


def discard(*, owner: Any, kind: str, token: str) -> int:
    return StagedImport.objects.filter(token=str(token)[:32], owner=owner, kind=kind).delete()[0]


def purge_expired() -> int:
    """Delete abandoned stagings (idempotent)."""
    return StagedImport.objects.filter(expires_at__lte=timezone.now()).delete()[0]
