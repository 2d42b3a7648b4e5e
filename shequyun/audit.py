"""The audit hook, written once.

Model changes are recorded by django-auditlog (every model is registered through ``AUDITLOG_INCLUDE_ALL_MODELS``;
``tests/test_audit.py`` fails if one is not). Everything else security-relevant — sign-in, sign-out, failures,
lockouts, exports, permission denials — goes through :func:`record_event`.
"""

from __future__ import annotations

import copy
from typing import Any

from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from .models import AuditEvent, AuditEventType

__all__ = ["AuditEventType", "acting_as", "audit_region_path", "change_entries_visible_to", "client_ip",
           "events_visible_to", "install_loaded_values", "record_bulk_change", "record_event"]

#: auditlog's context manager: wrap Celery work in ``with acting_as(user):`` so field diffs name the actor.
acting_as = set_actor


def client_ip(request: HttpRequest | None) -> str | None:
    """The caller's address. Behind ``AXES_IPWARE_PROXY_COUNT`` trusted reverse proxies it is read from
    X-Forwarded-For, counting from the right (the entries the proxies appended), never from the left (which the
    caller can forge)."""
    if request is None:
        return None
    from django.conf import settings

    proxies = int(getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0)
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies] or None
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
    """Record one event. It is visible to auditors whose region contains ``region_path``: by default the region
    of the object acted on (the target), else the actor's region — so a district's auditor sees what the city did
    to the district's accounts."""
    if region_path is None:
        region_path = audit_region_path(target) if target is not None else audit_region_path(actor)
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


#: Attributes followed, in order, to find the region that owns a changed object (at most three steps).
_OWNER_ATTRIBUTES = ("region", "scenario", "user", "account", "owner", "recipient", "campaign", "resource",
                     "incident", "item", "plan", "organisation")


def audit_region_path(instance: Any, _depth: int = 0) -> str:
    """The materialized path of the region that owns ``instance`` — the one place that decides which auditors see a
    change. A model may name the way itself with ``audit_region = "scenario.region"``; otherwise the first of
    :data:`_OWNER_ATTRIBUTES` that leads to a region is used. "" (system-wide: the city's auditors) when none."""
    if instance is None or _depth > 3:
        return ""
    path = getattr(instance, "path", None)
    if isinstance(path, str) and hasattr(instance, "depth") and hasattr(instance, "code"):
        return path  # a Region itself
    declared = getattr(type(instance), "audit_region", None)
    if isinstance(declared, str):
        target: Any = instance
        for name in declared.split("."):
            target = getattr(target, name, None)
        return getattr(target, "path", "") or ""
    for name in _OWNER_ATTRIBUTES:
        field = _concrete_relation(instance, name)
        if field is None:
            continue
        related = getattr(instance, name, None)
        found = audit_region_path(related, _depth + 1)
        if found:
            return found
    return ""


def _concrete_relation(instance: Any, name: str) -> Any:
    try:
        field = instance._meta.get_field(name)
    except Exception:  # noqa: BLE001 — no such field on this model
        return None
    return field if getattr(field, "many_to_one", False) or getattr(field, "one_to_one", False) else None


def _additional_data(self: Any) -> dict[str, Any]:
    return {"region_path": audit_region_path(self)}


def install_region_paths() -> None:
    """Every model logged by django-auditlog stores its owning region with each change (``additional_data``), so
    that change entries are scoped by the changed object, like everything else. Called once from AppConfig.ready."""
    from django.apps import apps

    for model in apps.get_models(include_auto_created=True):
        if not hasattr(model, "get_additional_data"):
            model.get_additional_data = _additional_data


#: Where each audited instance keeps the values it was loaded with (or last saved with).
_LOADED = "_audit_loaded_values"


def _remember_loaded(sender: Any, instance: Any, **kwargs: Any) -> None:
    """post_init / post_save: keep the field values as they are in the database now (one dict copy; JSON values
    are copied deeply, so a change made in place still shows in the diff)."""
    values = instance.__dict__
    update_fields = kwargs.get("update_fields")
    loaded = values.get(_LOADED)
    if update_fields and loaded is not None:  # only these columns were written
        for name in update_fields:
            attname = sender._meta.get_field(name).attname
            if attname in values:
                loaded[attname] = copy.deepcopy(values[attname])
        return
    snapshot = values.copy()
    snapshot.pop(_LOADED, None)
    for attname in _JSON_ATTNAMES[sender]:
        value = snapshot.get(attname)
        if value is not None and not isinstance(value, str | int | float | bool):
            snapshot[attname] = copy.deepcopy(value)
    values[_LOADED] = snapshot


#: model → attnames of its JSON fields (filled by install_loaded_values).
_JSON_ATTNAMES: dict[Any, tuple[str, ...]] = {}


def _as_loaded(sender: Any, instance: Any) -> Any:
    """A copy of ``instance`` with the values it was loaded with, or None when some column was never loaded
    (deferred fields): then the row is read back, as django-auditlog does by default."""
    loaded = instance.__dict__.get(_LOADED)
    if loaded is None or any(f.attname not in loaded for f in sender._meta.concrete_fields):
        return None
    old = sender.__new__(sender)
    old.__dict__.update(loaded)
    return old


def _log_update(sender: Any, instance: Any, **kwargs: Any) -> None:
    """django-auditlog's pre_save receiver without its re-read of the row: the old values come from the instance
    (remembered when it was loaded — services load under ``select_for_update``, so that is the row as it is)."""
    from auditlog.receivers import _create_log_entry
    from django.conf import settings as django_settings

    if instance._state.adding or instance.pk is None:
        return
    old = _as_loaded(sender, instance)
    if old is None:
        from auditlog.models import _get_manager_from_settings

        old = _get_manager_from_settings(sender).filter(pk=instance.pk).first()
    from auditlog import get_logentry_model

    _create_log_entry(action=get_logentry_model().Action.UPDATE, instance=instance, sender=sender, diff_old=old,
                      diff_new=instance, fields_to_check=kwargs.get("update_fields"),
                      use_json_for_changes=django_settings.AUDITLOG_STORE_JSON_CHANGES)


def install_loaded_values() -> None:
    """Replace django-auditlog's update receiver (which SELECTs the old row before every audited save) with
    :func:`_log_update`, for every model it records. Called once from AppConfig.ready, after auditlog's own."""
    from auditlog.receivers import check_disable, log_update
    from auditlog.registry import auditlog
    from django.db.models import JSONField
    from django.db.models.signals import post_init, post_save, pre_save

    receiver = check_disable(_log_update)
    for model in auditlog.get_models():
        _JSON_ATTNAMES[model] = tuple(f.attname for f in model._meta.concrete_fields if isinstance(f, JSONField))
        if not pre_save.disconnect(sender=model, dispatch_uid=auditlog._dispatch_uid(pre_save, log_update)):
            continue  # not registered for updates
        pre_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"audit_update_{model._meta.label_lower}")
        for signal in (post_init, post_save):
            signal.connect(_remember_loaded, sender=model, weak=False,
                           dispatch_uid=f"audit_loaded_{signal is post_save}_{model._meta.label_lower}")


def _auditor_prefix(user: Any) -> str | None:
    """The path prefix whose entries an auditor reads, or None for nobody; the top of the tree also reads the
    system-wide entries (no region)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return ""
    region = getattr(user, "region", None)
    return region.path if region is not None else None


def _scope(queryset: Any, lookup: str, user: Any) -> Any:
    from django.db.models import Q

    prefix = _auditor_prefix(user)
    if prefix is None:
        return queryset.none()
    if prefix == "":
        return queryset
    condition = Q(**{f"{lookup}__startswith": prefix})
    if user.region.parent_id is None:  # the city: also what belongs to no region
        condition |= Q(**{lookup: ""}) | Q(**{f"{lookup}__isnull": True})
    return queryset.filter(condition)


def events_visible_to(user: Any) -> Any:
    """Typed audit events visible to ``user`` (by the region of the object acted on)."""
    return _scope(AuditEvent.objects.all(), "region_path", user)


def change_entries_visible_to(user: Any) -> Any:
    """django-auditlog change entries visible to ``user`` (by the region of the changed object)."""
    from auditlog.models import LogEntry

    return _scope(LogEntry.objects.all(), "additional_data__region_path", user)


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
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
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
