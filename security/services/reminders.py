"""Daily reminders before anything expires: one digest per person per day.

Each due date is mentioned once per stage (30 days before, 7 days before, overdue): a :class:`ReminderMark` per
object, due date and stage records that it was in a digest. A day's new stages are grouped per recipient, and people
with the same lines get one ``notify`` call whose dedupe key is the day and the digest's content — a second run the
same day sends nothing, the next stage sends a new digest. A fixed number of queries whatever the number of objects.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Region, User
from accounts.roles import Role
from shequyun.audit import record_bulk_change
from shequyun.notifications.services import absolute_url, notify

from ..models import (
    Assessment,
    ConfidentialityAgreement,
    Drill,
    DrillStatus,
    PlanStatus,
    PlanVersion,
    ReminderMark,
)

#: Stages of a reminder: 30 days before, 7 days before, overdue.
STAGES = (30, 7)
#: How many lines a digest lists; the rest are counted.
LISTED = 30


def stage(due: dt.date, today: dt.date) -> str | None:
    if due < today:
        return "overdue"
    left = (due - today).days
    for days in sorted(STAGES):
        if left <= days:
            return str(days)
    return None


@dataclass(frozen=True)
class _Item:
    kind: str
    object_id: int
    due: dt.date
    what: str
    url: str
    region_id: int
    #: "plan": the plan's editors (security officers of the plan's region, superusers); "nearest": the security
    #: officers of the region, else of the nearest level above that has some.
    audience: str


def _candidates(today: dt.date, horizon: dt.date) -> list[_Item]:
    items: list[_Item] = []
    for pk, plan_id, title, region_id, due in (
            PlanVersion.objects.filter(status=PlanStatus.ACTIVE, review_due__lte=horizon)
            .values_list("pk", "plan_id", "plan__title", "plan__region_id", "review_due")):
        items.append(_Item("plan-review", pk, due, _("应急预案“%(p)s”年度复核") % {"p": title},
                           f"/security/plans/{plan_id}/", region_id, "plan"))
    for pk, plan_id, title, region_id, due in (
            PlanVersion.objects.filter(status__in=[PlanStatus.DRAFT, PlanStatus.APPROVED], revision_due__lte=horizon)
            .values_list("pk", "plan_id", "plan__title", "plan__region_id", "revision_due")):
        items.append(_Item("plan-revision", pk, due, _("应急预案“%(p)s”修订") % {"p": title},
                           f"/security/plans/{plan_id}/", region_id, "plan"))
    for pk, title, region_id, due in (Drill.objects.filter(status=DrillStatus.PLANNED, planned_on__lte=horizon)
                                      .values_list("pk", "title", "region_id", "planned_on")):
        items.append(_Item("drill", pk, due, _("演练“%(t)s”") % {"t": title}, f"/security/drills/{pk}/", region_id,
                           "nearest"))
    due_soon = Q(next_due_on__lte=horizon) | Q(crypto_next_due_on__lte=horizon)
    for pk, name, region_id, next_due, level, crypto_due in (
            Assessment.objects.filter(due_soon).values_list("pk", "scenario__name", "scenario__region_id",
                                                            "next_due_on", "protection_level", "crypto_next_due_on")):
        crypto_required = Assessment(protection_level=level).crypto_required
        url = f"/security/assessments/{pk}/"
        if next_due and next_due <= horizon:
            items.append(_Item("protection", pk, next_due, _("“%(s)s”等保测评") % {"s": name}, url, region_id,
                               "nearest"))
        if crypto_required and crypto_due and crypto_due <= horizon:
            items.append(_Item("crypto", pk, crypto_due, _("“%(s)s”商用密码应用安全性评估") % {"s": name}, url,
                               region_id, "nearest"))
    for pk, vendor, name, region_id, due in (
            ConfidentialityAgreement.objects.filter(expires_on__lte=horizon)
            .values_list("pk", "vendor_name", "scenario__name", "scenario__region_id", "expires_on")):
        items.append(_Item("agreement", pk, due, _("“%(v)s”保密协议（%(s)s）") % {"v": vendor, "s": name},
                           f"/security/agreements/{pk}/", region_id, "nearest"))
    return items


def _recipients(items: list[_Item]) -> dict[int, list[User]]:
    """Who hears about each item (by position in ``items``) — four queries for all of them."""
    region_ids = {item.region_id for item in items}
    paths = dict(Region.objects.filter(pk__in=region_ids).values_list("pk", "path"))
    codes = {code for path in paths.values() for code in path.split("/") if code}
    region_of_code = dict(Region.objects.filter(code__in=codes).values_list("code", "pk"))
    wanted = set(region_of_code.values()) | region_ids
    officers_at: dict[int, list[User]] = {}
    for user in (User.objects.filter(is_active=True, region_id__in=wanted, groups__name=Role.SECURITY_OFFICER.value)
                 .distinct().order_by("pk")):
        officers_at.setdefault(user.region_id, []).append(user)
    superusers = list(User.objects.filter(is_active=True, is_superuser=True).order_by("pk"))
    nearest: dict[int, list[User]] = {}
    for region_id, path in paths.items():
        chain = [region_of_code[c] for c in path.split("/") if c in region_of_code]
        nearest[region_id] = next((officers_at[r] for r in reversed(chain) if officers_at.get(r)), [])
    result: dict[int, list[User]] = {}
    for index, item in enumerate(items):
        if item.audience == "plan":
            people = {u.pk: u for u in [*officers_at.get(item.region_id, []), *superusers]}
            result[index] = list(people.values())
        else:
            result[index] = nearest.get(item.region_id, [])
    return result


def send_reminders(*, today: dt.date | None = None, listed: int = LISTED) -> int:
    """Send the day's digests; returns how many notifications were created."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=max(STAGES))
    items = [item for item in _candidates(today, horizon) if stage(item.due, today) is not None]
    if not items:
        return 0
    marked = set(ReminderMark.objects.filter(due__gte=min(i.due for i in items), due__lte=horizon)
                 .values_list("kind", "object_id", "due", "stage"))
    fresh = [(item, stage(item.due, today)) for item in items
             if (item.kind, item.object_id, item.due, stage(item.due, today)) not in marked]
    if not fresh:
        return 0
    people = _recipients([item for item, _stage in fresh])
    lines_of: dict[int, tuple[User, list[tuple[dt.date, str]]]] = {}
    reached: list[tuple[_Item, str]] = []
    for index, (item, current) in enumerate(fresh):
        if not people[index]:
            continue  # nobody to tell yet: the stage stays unmentioned until someone is
        reached.append((item, current))
        text = _("已超期（%(d)s）") % {"d": item.due.isoformat()} if current == "overdue" else \
            _("将于%(d)s到期") % {"d": item.due.isoformat()}
        line = f"{item.what}{text}：{absolute_url(item.url)}"
        for user in people[index]:
            lines_of.setdefault(user.pk, (user, []))[1].append((item.due, line))
    digests: dict[tuple[tuple[dt.date, str], ...], list[User]] = {}  # the same lines → one notify call
    for user, lines in lines_of.values():
        digests.setdefault(tuple(sorted(lines)), []).append(user)
    sent = 0
    with transaction.atomic():
        for rows, recipients in digests.items():
            lines = [line for _due, line in rows]
            overdue = sum(1 for due, _line in rows if due < today)
            title = _("安全到期提醒 %(n)d 项，其中已超期 %(late)d 项") % {"n": len(lines), "late": overdue}
            body = "\n".join(lines[:listed]) + ("\n" + _("……另有 %(n)d 项") % {"n": len(lines) - listed}
                                                  if len(lines) > listed else "")
            digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
            sent += len(notify(recipients=recipients, title=title, body=body, url="/security/",
                               dedupe_key=f"security:reminder-digest:{today.isoformat()}:{digest}"))
        marks = ReminderMark.objects.bulk_create(
            [ReminderMark(kind=item.kind, object_id=item.object_id, due=item.due, stage=current)
             for item, current in reached], ignore_conflicts=True)
        record_bulk_change(model=ReminderMark, ids=[f"{m.kind}:{m.object_id}:{m.due}:{m.stage}" for m in marks],
                           action="create", reason="security_reminders", changes={"sent_on": today})
    return sent
