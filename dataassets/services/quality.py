"""Quality (003 Art. 24, 004 Art. 19): every published resource is checked for timeliness against its declared update
frequency and for completeness; a failing resource goes back to its provider as a quality issue (one open issue per
resource and kind, so the daily check is idempotent); the provider reports it rectified."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shequyun.audit import record_bulk_change
from shequyun.notifications.services import notify
from shequyun.workflow import Transition, Workflow, transition

from .. import permissions as perms
from ..models import FREQUENCY_DAYS, QualityEvent, QualityIssue, QualityKind, QualityStatus, Resource, ResourceStatus
from ..transitions import QUALITY_TRANSITIONS


def _record(issue: QualityIssue, step: Transition, actor: Any, comment: str, previous: str, **extra: Any) -> None:
    QualityEvent.objects.create(issue=issue, action=step.action, from_status=previous, to_status=step.target,
                                actor=actor, comment=comment or "", extra=extra)


QUALITY_WORKFLOW = Workflow(name="quality", transitions=QUALITY_TRANSITIONS, record=_record)


def quality_resolve(*, actor: Any, issue: QualityIssue, comment: str) -> QualityIssue:
    def stamp(locked: QualityIssue, step: Transition) -> list[str]:
        locked.resolution, locked.resolved_by, locked.resolved_at = comment.strip(), actor, timezone.now()
        return ["resolution", "resolved_by", "resolved_at"]

    return transition(QUALITY_WORKFLOW, obj=issue, action="resolve", actor=actor, comment=comment, extra_update=stamp)


def stale_since(resource: Resource, today: dt.date) -> dt.date | None:
    """The day the resource became stale under its declared update frequency (None while it is fresh)."""
    days = FREQUENCY_DAYS.get(resource.update_frequency)
    last = resource.data_updated_on or (timezone.localdate(resource.published_at) if resource.published_at else None)
    if days is None or last is None:
        return None
    limit = last + dt.timedelta(days=days)
    return limit if limit < today else None


def completeness_problems(resource: Resource, item_count: int, unmasked: int) -> list[str]:
    problems = []
    if not resource.description.strip():
        problems.append(_("缺少资源摘要"))
    if item_count == 0:
        problems.append(_("没有信息项"))
    if unmasked:
        problems.append(_("%(n)d 个个人信息项未指定脱敏规则") % {"n": unmasked})
    return problems


def _notify_providers(issues: list[QualityIssue], today: dt.date) -> None:
    """One message per provider unit and day listing its new issues (not one per issue): the stewards of every
    provider are read in one query, and the day's key makes a rerun send nothing."""
    by_provider: dict[int, list[QualityIssue]] = {}
    for issue in issues:
        by_provider.setdefault(issue.provider_id, []).append(issue)
    stewards: dict[int, list[Any]] = {}
    for user in perms.stewards_of_providers(by_provider):
        stewards.setdefault(user.organisation_id, []).append(user)
    for provider_id, found in by_provider.items():
        lines = [f"{issue.resource.name}（{issue.get_kind_display()}）：{issue.detail}" for issue in found[:50]]
        if len(found) > 50:
            lines.append(_("……另有 %(n)d 项，见质量问题列表。") % {"n": len(found) - 50})
        notify(recipients=stewards.get(provider_id, []),
               title=_("%(n)d 项数据质量问题待整改") % {"n": len(found)},
               body="\n".join(lines), url=reverse("dataassets:quality"),
               dedupe_key=f"quality-digest:{today.isoformat()}:{provider_id}")


def quality_check(*, today: dt.date | None = None) -> list[QualityIssue]:
    """Check every published resource; open an issue for each failure that has no open issue yet. Returns the new
    issues (none on a second run the same day)."""
    today = today or timezone.localdate()
    resources = (Resource.objects.filter(status=ResourceStatus.PUBLISHED, revision_of__isnull=True)
                 .annotate(item_count=Count("items"),
                           unmasked=Count("items", filter=Q(items__personal_info=True, items__masking_rule="")))
                 .select_related("region"))
    open_keys = set(QualityIssue.objects.filter(status=QualityStatus.OPEN).values_list("resource_id", "kind"))
    new: list[QualityIssue] = []
    for resource in resources.iterator(chunk_size=1000):
        since = stale_since(resource, today)
        if since is not None and (resource.pk, QualityKind.STALE) not in open_keys:
            new.append(QualityIssue(
                resource=resource, provider_id=resource.provider_id, kind=QualityKind.STALE, detected_on=today,
                detail=_("更新频度为“%(f)s”，最近更新于 %(d)s，已超过应更新日期 %(s)s。") % {
                    "f": resource.get_update_frequency_display(), "d": resource.data_updated_on, "s": since}))
        problems = completeness_problems(resource, resource.item_count, resource.unmasked)
        if problems and (resource.pk, QualityKind.INCOMPLETE) not in open_keys:
            new.append(QualityIssue(resource=resource, provider_id=resource.provider_id, kind=QualityKind.INCOMPLETE,
                                    detected_on=today, detail="；".join(problems)))
    if not new:
        return []
    with transaction.atomic():
        QualityIssue.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
        created = list(QualityIssue.objects.filter(detected_on=today, status=QualityStatus.OPEN,
                                                   resource_id__in=[i.resource_id for i in new])
                       .select_related("resource", "provider"))
        record_bulk_change(model=QualityIssue, ids=[i.pk for i in created], action="create",
                           reason=f"{today.isoformat()} 质量检查")
        _notify_providers(created, today)
    return created
