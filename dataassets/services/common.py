"""Helpers shared by the services of this app (not a second engine: they only prepare calls into the shared ones)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


def full_clean(obj: Any, exclude: list[str] | None = None) -> None:
    """Field validation and the model's ``clean()`` rules; constraints are checked by the services themselves
    (with a message naming the field) and by the database."""
    obj.full_clean(exclude=exclude or [], validate_unique=False, validate_constraints=False)


def apply(obj: Any, values: dict[str, Any], fields: list[str]) -> list[str]:
    changed = []
    for name in fields:
        if name in values and values[name] is not None:
            setattr(obj, name, values[name])
            changed.append(name)
    return changed


def require_text(value: Any, field: str, message: str) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    if not text:
        raise ValidationError({field: [message]})
    return text


def url(kind: str, pk: int) -> str:
    return {"resource": f"/dataassets/{pk}/", "objection": f"/dataassets/objections/{pk}/",
            "sharing": f"/dataassets/sharing/{pk}/", "quality": f"/dataassets/quality/{pk}/"}[kind]
