"""Corrections of the GB/T 20986-2023 category list by the city operations office."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shequyun.audit import AuditEventType, acting_as, record_event

from ..models import IncidentCategory
from ..permissions import may_correct_categories


@transaction.atomic
def category_update(*, actor: Any, category: IncidentCategory, name: str, description: str = "",
                    is_active: bool = True) -> IncidentCategory:
    if not may_correct_categories(actor):
        raise PermissionDenied(_("事件分类由市级运营管理部门维护。"))
    locked = IncidentCategory.objects.select_for_update().get(pk=category.pk)
    before = {"name": locked.name, "description": locked.description, "is_active": locked.is_active}
    if not (name or "").strip():
        raise ValidationError({"name": [_("请填写名称。")]})
    locked.name, locked.description, locked.is_active = name.strip(), (description or "").strip(), bool(is_active)
    locked.full_clean(validate_unique=False)
    with acting_as(actor):
        locked.save(update_fields=["name", "description", "is_active"])
    record_event(AuditEventType.INCIDENT_CATEGORY_CORRECTED, actor=actor, target=locked, region_path="",
                 code=locked.code, before=before,
                 after={"name": locked.name, "description": locked.description, "is_active": locked.is_active})
    return locked
