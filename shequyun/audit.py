"""The audit hook, written once.

Model changes are recorded by django-auditlog (every model is registered through ``AUDITLOG_INCLUDE_ALL_MODELS``;
``tests/test_audit.py`` fails if one is not). Everything else security-relevant — sign-in, sign-out, failures,
lockouts, exports, permission denials — goes through :func:`record_event`.
"""

from __future__ import annotations

from typing import Any

from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from .models import AuditEvent, AuditEventType

__all__ = ["AuditEventType", "acting_as", "client_ip", "record_bulk_change", "record_event"]

#: auditlog's context manager: wrap Celery work in ``with acting_as(user):`` so field diffs name the actor.
acting_as = set_actor


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record_event(
    event_type: AuditEventType,
    *,
    actor: Any = None,
    username: str = "",
    target: Any = None,
    request: HttpRequest | None = None,
    region_path: str | None = None,
    **extra: Any,
) -> AuditEvent:
    """Record one event. It is visible to auditors whose region contains ``region_path`` (by default the actor's
    region, else the target's region)."""
    if region_path is None:
        owner = actor if actor is not None else target
        region = getattr(owner, "region", None) if owner is not None else None
        region_path = getattr(region, "path", "") or ""
    return AuditEvent.objects.create(
        event_type=event_type,
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_username=(getattr(actor, "username", "") or username)[:150],
        region_path=region_path,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        ip_address=client_ip(request),
        extra=extra,
    )


def record_bulk_change(
    *, model: Any, ids: Any, action: str, actor: Any = None, reason: str = "", changes: dict[str, Any] | None = None,
    region_path: str = "", request: HttpRequest | None = None,
) -> AuditEvent | None:
    """One audit row for a bulk write (``QuerySet.update``, ``bulk_create``, ``bulk_update``) that django-auditlog's
    signals do not see: which model, which action, every affected id, the new values and why. Nothing is recorded
    when no row was affected."""
    ids = [str(pk) for pk in ids]
    if not ids:
        return None
    meta = model._meta
    return record_event(
        AuditEventType.BULK_CHANGE, actor=actor, request=request, region_path=region_path,
        model=meta.label_lower, action=action, ids=ids, count=len(ids), reason=reason,
        changes={k: _jsonable(v) for k, v in (changes or {}).items()},
    )


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
def _on_sign_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record_event(AuditEventType.SIGN_IN, actor=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit_sign_out")
def _on_sign_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record_event(AuditEventType.SIGN_OUT, actor=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def _on_sign_in_failed(sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any) -> None:
    # The credentials dict is already cleansed by Django; only the username is kept, never the password.
    # When the account exists the event is attached to it, so the account's admin and auditors see it.
    username = str(credentials.get("username", ""))[:150]
    account = get_user_model()._default_manager.filter(username=username).select_related("region").first()
    record_event(AuditEventType.SIGN_IN_FAILED, username=username, target=account, request=request)
