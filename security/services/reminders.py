"""Daily reminders before anything expires (idempotent: one notification per object, due date and stage)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Region, User
from shequyun.notifications.services import notify

from ..models import Assessment, ConfidentialityAgreement, Drill, DrillStatus, PlanStatus, PlanVersion
from ..permissions import level_officers, plan_editors

#: Stages of a reminder: 30 days before, 7 days before, overdue.
STAGES = (30, 7)


def stage(due: dt.date, today: dt.date) -> str | None:
    if due < today:
        return "overdue"
    left = (due - today).days
    for days in sorted(STAGES):
        if left <= days:
            return str(days)
    return None


def nearest_officers(region: Region) -> list[User]:
    """Security officers of the region, else of the nearest level above that has some."""
    for candidate in reversed(region.ancestors()):
        people = list(level_officers(candidate))
        if people:
            return people
    return []


def _send(people: Any, *, kind: str, obj: Any, due: dt.date, today: dt.date, what: str, url: str) -> int:
    current = stage(due, today)
    if current is None:
        return 0
    text = _("已超期") if current == "overdue" else _("将于%(d)s到期") % {"d": due.isoformat()}
    sent = notify(recipients=people, title=f"{what}{text}", url=url, target=obj,
                  dedupe_key=f"security:remind:{kind}:{obj.pk}:{due.isoformat()}:{current}")
    return len(sent)


def send_reminders(*, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=max(STAGES))
    sent = 0
    for version in PlanVersion.objects.filter(status=PlanStatus.ACTIVE, review_due__lte=horizon).select_related(
            "plan__region"):
        sent += _send(plan_editors(version.plan), kind="plan-review", obj=version, due=version.review_due, today=today,
                      what=_("应急预案“%(p)s”年度复核") % {"p": version.plan.title}, url=f"/security/plans/{version.plan_id}/")
    for version in PlanVersion.objects.filter(status__in=[PlanStatus.DRAFT, PlanStatus.APPROVED],
                                              revision_due__lte=horizon).select_related("plan__region"):
        sent += _send(plan_editors(version.plan), kind="plan-revision", obj=version, due=version.revision_due,
                      today=today, what=_("应急预案“%(p)s”修订") % {"p": version.plan.title},
                      url=f"/security/plans/{version.plan_id}/")
    for drill in Drill.objects.filter(status=DrillStatus.PLANNED, planned_on__lte=horizon).select_related("region"):
        sent += _send(nearest_officers(drill.region), kind="drill", obj=drill, due=drill.planned_on, today=today,
                      what=_("演练“%(t)s”") % {"t": drill.title}, url=f"/security/drills/{drill.pk}/")
    due_soon = Q(next_due_on__lte=horizon) | Q(crypto_next_due_on__lte=horizon)
    for assessment in Assessment.objects.filter(due_soon).select_related("scenario__region"):
        people = nearest_officers(assessment.scenario.region)
        url = f"/security/assessments/{assessment.pk}/"
        if assessment.next_due_on and assessment.next_due_on <= horizon:
            sent += _send(people, kind="protection", obj=assessment, due=assessment.next_due_on, today=today, url=url,
                          what=_("“%(s)s”等保测评") % {"s": assessment.scenario.name})
        if assessment.crypto_required and assessment.crypto_next_due_on and assessment.crypto_next_due_on <= horizon:
            sent += _send(people, kind="crypto", obj=assessment, due=assessment.crypto_next_due_on, today=today,
                          url=url, what=_("“%(s)s”商用密码应用安全性评估") % {"s": assessment.scenario.name})
    for agreement in ConfidentialityAgreement.objects.filter(expires_on__lte=horizon).select_related(
            "scenario__region"):
        sent += _send(nearest_officers(agreement.scenario.region), kind="agreement", obj=agreement,
                      due=agreement.expires_on, today=today, url=f"/security/agreements/{agreement.pk}/",
                      what=_("“%(v)s”保密协议（%(s)s）") % {"v": agreement.vendor_name, "s": agreement.scenario.name})
    return sent
