"""Training materials (000 Art. 17): operations offices publish guides with attachments for their subtree; staff
mark them read; operations see the coverage and remind those who have not read them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shequyun.audit import AuditEventType, acting_as, record_event
from shequyun.notifications.services import notify

from ..media import prepare
from ..models import Media, ReadReceipt, TrainingFile, TrainingMaterial
from ..permissions import coverage_users, may_publish_training, may_see_coverage
from ..sanitize import clean_html

TRAINING_MEDIA = {Media.DOCUMENT, Media.IMAGE, Media.VIDEO, Media.AUDIO}


@transaction.atomic
def material_create(*, actor: Any, title: str, body: str = "", feature: str = "",
                    files: Iterable[Any] = ()) -> TrainingMaterial:
    if not may_publish_training(actor):
        raise PermissionDenied(_("培训教材由市、区、街镇运营管理部门发布。"))
    material = TrainingMaterial(region=actor.region, title=(title or "").strip(), body=clean_html(body),
                                feature=(feature or "").strip(), created_by=actor)
    material.full_clean(exclude=["region", "created_by"])
    prepared = prepare(list(files), field="files", allowed_media=TRAINING_MEDIA)
    stored: list[TrainingFile] = []
    with acting_as(actor):
        material.save()
        try:
            for p in prepared:
                row = TrainingFile(material=material, name=p.name, media=p.media, extension=p.extension, size=p.size,
                                   sha256=p.sha256)
                row.file.save(f"{uuid.uuid4().hex}.{p.extension}", p.content, save=False)
                row.save()
                stored.append(row)
        except Exception:
            for row in stored:
                row.file.delete(save=False)
            raise
    transaction.on_commit(lambda: notify(
        recipients=coverage_users(actor, material).exclude(pk=actor.pk), url=f"/content/training/{material.pk}/",
        target=material, title=_("新培训教材：%(t)s") % {"t": material.title}, dedupe_key=f"training-new-{material.pk}",
        email=False))
    return material


@transaction.atomic
def material_mark_read(*, actor: Any, material: TrainingMaterial) -> ReadReceipt:
    """Idempotent: reading twice keeps the first time."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied
    with acting_as(actor):
        receipt, _created = ReadReceipt.objects.get_or_create(material=material, user=actor)
    return receipt


@transaction.atomic
def material_remind(*, actor: Any, material: TrainingMaterial, automatic: bool = False) -> int:
    """Remind the people of ``actor``'s part of the audience who have not read the material yet. Idempotent per day
    (a second click the same day reminds nobody twice). Returns how many were reminded."""
    if not automatic and not may_see_coverage(actor, material):
        raise PermissionDenied(_("只有运营管理部门可以提醒未读人员。"))
    readers = ReadReceipt.objects.filter(material=material).values("user_id")
    people = list(coverage_users(actor, material).exclude(pk__in=readers).exclude(pk=material.created_by_id))
    if not people:
        if automatic:
            return 0
        raise ValidationError({"material": [_("所有人都已阅读。")]})
    key = f"training-remind-{material.pk}-{'auto' if automatic else timezone.localdate().isoformat()}"
    created = notify(recipients=people, title=_("请阅读培训教材：%(t)s") % {"t": material.title},
                     url=f"/content/training/{material.pk}/", target=material, dedupe_key=key)
    if not automatic:
        record_event(AuditEventType.TRAINING_REMINDED, actor=actor, target=material, region_path=actor.region.path,
                     reminded=len(created))
    return len(created)
