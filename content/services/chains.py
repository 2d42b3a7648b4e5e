"""Review chains as data: each level's operations office sets 1–3 steps (初审 / 复审 / 终审), each bound to a
reviewer role at a level at or above its own. A run in progress keeps the steps it started with."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import LEVEL_DEPTH, Region, RegionLevel
from shequyun.audit import AuditEventType, acting_as, record_event

from ..models import STEP_ORDER, ReviewChain, ReviewStep, StepName
from ..permissions import REVIEW_ROLES, may_configure_chain


def validate_steps(region: Region, steps: list[dict[str, Any]]) -> list[dict[str, str]]:
    """1–3 steps named 初审 / 复审 / 终审 in that order (each once); each step's level at or above the configuring
    region's level, and each later step at the same level or higher than the one before."""
    if not 1 <= len(steps) <= 3:
        raise ValidationError({"steps": [_("审核链须有 1 至 3 个步骤。")]})
    own_depth = LEVEL_DEPTH[RegionLevel(region.level)]
    cleaned: list[dict[str, str]] = []
    errors: list[str] = []
    for index, step in enumerate(steps, start=1):
        name, role, level = (str(step.get(k) or "") for k in ("name", "role", "level"))
        if name not in StepName.values:
            errors.append(_("第%(n)d步：环节须为初审、复审或终审。") % {"n": index})
            continue
        if role not in {r.value for r in REVIEW_ROLES}:
            errors.append(_("第%(n)d步：审核角色须为审核人员或运营人员。") % {"n": index})
            continue
        if level not in RegionLevel.values:
            errors.append(_("第%(n)d步：请选择审核层级。") % {"n": index})
            continue
        if LEVEL_DEPTH[RegionLevel(level)] > own_depth:
            errors.append(_("第%(n)d步：审核层级不能低于本级（%(own)s）。") % {
                "n": index, "own": RegionLevel(region.level).label})
            continue
        cleaned.append({"name": name, "role": role, "level": level})
    if not errors:
        names = [s["name"] for s in cleaned]
        if len(set(names)) != len(names) or names != sorted(names, key=lambda n: STEP_ORDER[StepName(n)]):
            errors.append(_("环节须按初审、复审、终审的顺序排列，且每个环节只出现一次。"))
        depths = [LEVEL_DEPTH[RegionLevel(s["level"])] for s in cleaned]
        if any(later > earlier for earlier, later in zip(depths, depths[1:], strict=False)):
            errors.append(_("后一步的审核层级不能低于前一步。"))
    if errors:
        raise ValidationError({"steps": errors})
    return cleaned


@transaction.atomic
def chain_save(*, actor: Any, region: Region, steps: list[dict[str, Any]]) -> ReviewChain:
    """Create or replace the chain of ``region`` (only that level's operations office)."""
    if not may_configure_chain(actor, region):
        raise PermissionDenied(_("审核链由本级运营管理部门配置。"))
    cleaned = validate_steps(region, steps)
    with acting_as(actor):
        chain, _created = ReviewChain.objects.select_for_update().get_or_create(region=region,
                                                                               defaults={"updated_by": actor})
        before = [{"name": s.name, "role": s.role, "level": s.level} for s in chain.steps.order_by("position")]
        chain.steps.all().delete()
        for position, step in enumerate(cleaned, start=1):
            ReviewStep.objects.create(chain=chain, position=position, **step)
        chain.updated_by = actor
        chain.save(update_fields=["updated_by", "updated_at"])
    record_event(AuditEventType.REVIEW_CHAIN_CHANGED, actor=actor, target=chain, region_path=region.path,
                 before=before, after=cleaned)
    return chain


@transaction.atomic
def chain_delete(*, actor: Any, chain: ReviewChain) -> None:
    """Remove a level's own chain: the nearest ancestor's applies again."""
    if not may_configure_chain(actor, chain.region):
        raise PermissionDenied(_("审核链由本级运营管理部门配置。"))
    before = [{"name": s.name, "role": s.role, "level": s.level} for s in chain.steps.order_by("position")]
    with acting_as(actor):
        chain.steps.all().delete()
        chain.delete()
    record_event(AuditEventType.REVIEW_CHAIN_CHANGED, actor=actor, region_path=chain.region.path,
                 chain_region=chain.region.code, before=before, after=[])
