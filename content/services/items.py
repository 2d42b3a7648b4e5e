"""Every write on content items: collect (create / edit: a revision each time), submit, review steps, publish,
expiry, withdrawal. Order in each: permission (403) → validation (400, naming the field) → write → audit → notify on
commit. States change only through shequyun.workflow.transition (409 on an illegal or stale action)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Region
from shequyun.audit import AuditEventType, acting_as, record_event
from shequyun.errors import Conflict
from shequyun.notifications.services import notify
from shequyun.workflow import Transition, Workflow, transition

from .. import lexicon, permissions, selectors
from ..media import ALLOWED_MEDIA, REQUIRED_MEDIA, Prepared, prepare
from ..models import (
    EDITABLE_STATES,
    REVIEW_STATES,
    Attachment,
    Check,
    ContentItem,
    ItemEvent,
    ItemRevision,
    Kind,
    Media,
    ReviewRound,
    Severity,
    Status,
    review_state,
)
from ..sanitize import clean_html, plain_text
from ..transitions import MAX_STEPS, item_transitions

ITEM_FIELDS = ["kind", "title", "body", "audience", "publish_at", "is_time_bound", "expire_at", "is_reprint",
               "source_name", "source_url", "authorisation"]
#: Kinds whose substance is text: they need a body.
TEXT_KINDS = {Kind.NOTICE, Kind.ARTICLE, Kind.ACTIVITY}


# --- The workflow ---------------------------------------------------------------------------------------------

def _record(item: ContentItem, t: Transition, actor: Any, comment: str, previous: str, **extra: Any) -> None:
    revision = ItemRevision.objects.filter(item=item, number=item.revision_number).first()
    ItemEvent.objects.create(
        item=item, review_round_id=item.review_round_id, step=extra.pop("position", None),
        step_name=extra.pop("step_name", ""), action=t.action, from_status=previous, to_status=t.target,
        actor=actor, comment=comment or "", checks=extra.pop("checks", []), revision=revision, extra=extra,
    )


def _after(item: ContentItem, step: Transition, actor: Any, comment: str) -> None:
    url = f"/content/items/{item.pk}/"
    actor_pk = getattr(actor, "pk", None)
    if step.target in REVIEW_STATES:
        notify(recipients=permissions.review_recipients(item), url=f"/content/review/{item.pk}/", target=item,
               title=_("待审核内容：%(title)s") % {"title": item.title}, body=comment,
               dedupe_key=f"content-review-{item.pk}-{item.review_round_id}-{item.current_step}")
    if step.action == "approve" and step.target == Status.APPROVED:
        notify(recipients=permissions.author_recipients(item), url=url, target=item,
               title=_("内容已通过审核：%(title)s") % {"title": item.title})
        if item.publish_at is None or item.publish_at <= timezone.now():
            from ..tasks import publish_item

            publish_item.delay(item.pk)
    elif step.action == "return":
        notify(recipients=[u for u in permissions.author_recipients(item) if u.pk != actor_pk], url=url, target=item,
               title=_("内容被退回修改：%(title)s") % {"title": item.title}, body=comment)
    elif step.target == Status.PUBLISHED:
        notify(recipients=permissions.audience_recipients(item), url=url, target=item,
               title=_("新发布：%(title)s") % {"title": item.title}, dedupe_key=f"content-published-{item.pk}",
               email=False)
    elif step.action in {"withdraw", "expire"}:
        notify(recipients=[u for u in permissions.author_recipients(item) if u.pk != actor_pk], url=url, target=item,
               title=_("内容已%(what)s：%(title)s") % {"what": step.label, "title": item.title}, body=comment)


def _people(item: ContentItem) -> Any:
    """Who acts next (the same people ``_after`` notifies): the current step's reviewers, else the authors."""
    return permissions.review_recipients(item) if item.status in REVIEW_STATES else permissions.author_recipients(item)


WORKFLOWS = {n: Workflow(name=f"content-{n}", transitions=item_transitions(n), record=_record, after=_after,
                         people=_people) for n in range(1, MAX_STEPS + 1)}


def workflow_for(item: ContentItem) -> Workflow:
    return WORKFLOWS[item.step_count or MAX_STEPS]


# --- Validation shared by create, edit and submit ---------------------------------------------------------------

def _clean_values(values: dict[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in values.items() if k in ITEM_FIELDS}
    if "body" in values:
        values["body"] = clean_html(values["body"] or "")
    for name in ("title", "source_name", "source_url", "authorisation"):
        if name in values and values[name] is not None:
            values[name] = str(values[name]).strip()
    return values


def _check_audience(actor: Any, region: Region, audience: Region | None) -> None:
    """The audience is a subtree inside the item's region (and so inside the author's scope). An audience outside
    and one that does not exist get the same message."""
    if audience is None:
        return
    if not audience.path.startswith(region.path):
        raise ValidationError({"audience": [_("发布范围不存在或不在您的管辖范围内。")]})


def _full_clean(item: ContentItem) -> None:
    item.full_clean(exclude=["region", "created_by", "review_round", "current_step_region"], validate_unique=False,
                    validate_constraints=False)


def submission_problems(item: ContentItem, media: Iterable[str]) -> dict[str, list[str]]:
    """What must hold before an item enters review (field by field): the text, the citation of a reprint, the media
    its kind needs, a validity window still ahead, and no blocking word of the lexicon."""
    problems: dict[str, list[str]] = {}
    media = set(media)
    if item.kind in TEXT_KINDS and not plain_text(item.body).strip():
        problems["body"] = [_("请填写正文。")]
    needed = REQUIRED_MEDIA.get(item.kind)
    if needed and needed not in media:
        problems["files"] = [_("%(kind)s须至少上传一个%(media)s文件。") % {"kind": Kind(item.kind).label,
                                                                     "media": Media(needed).label}]
    problems |= item.citation_missing()
    if item.expire_at is not None and item.expire_at <= timezone.now():
        problems["expire_at"] = [_("下线时间已过，请修改有效期。")]
    for field, text in (("title", item.title), ("body", plain_text(item.body))):
        blocked = lexicon.words(lexicon.scan(text), Severity.BLOCK)
        if blocked:
            problems.setdefault(field, []).append(
                _("含有禁止使用的词语：%(words)s（已在内容中标出）。") % {"words": "、".join(blocked)})
    return problems


def flagged_words(item: ContentItem) -> list[str]:
    return lexicon.words(lexicon.scan(f"{item.title}\n{plain_text(item.body)}"), Severity.FLAG)


def blocked_words(item: ContentItem) -> list[str]:
    return lexicon.words(lexicon.scan(f"{item.title}\n{plain_text(item.body)}"), Severity.BLOCK)


def _media_of(revision_attachments: list[dict[str, Any]]) -> set[str]:
    return {f["media"] for f in revision_attachments}


# --- Writes -------------------------------------------------------------------------------------------------

def _store(item: ContentItem, prepared: list[Prepared], actor: Any) -> list[Attachment]:
    """Store the checked files; if one fails, the ones already written are removed again."""
    stored: list[Attachment] = []
    try:
        for p in prepared:
            attachment = Attachment(item=item, name=p.name, media=p.media, extension=p.extension, size=p.size,
                                    sha256=p.sha256, created_by=actor)
            attachment.file.save(f"{uuid.uuid4().hex}.{p.extension}", p.content, save=False)
            attachment.save()
            stored.append(attachment)
    except Exception:
        for attachment in stored:
            attachment.file.delete(save=False)
        raise
    return stored


def _revise(item: ContentItem, actor: Any, attachments: list[dict[str, Any]]) -> ItemRevision:
    item.revision_number += 1
    item.save(update_fields=["revision_number", "updated_at"])
    return ItemRevision.objects.create(
        item=item, number=item.revision_number, title=item.title, body=item.body, attachments=attachments,
        created_by=actor, fields={
            "kind": item.kind, "audience": item.audience.code, "publish_at": _iso(item.publish_at),
            "is_time_bound": item.is_time_bound, "expire_at": _iso(item.expire_at), "is_reprint": item.is_reprint,
            "source_name": item.source_name, "source_url": item.source_url, "authorisation": item.authorisation,
        })


def _iso(value: Any) -> str | None:
    return timezone.localtime(value).isoformat(timespec="minutes") if value else None


def _describe(attachment: Attachment) -> dict[str, Any]:
    return {"id": attachment.pk, "name": attachment.name, "media": attachment.media,
            "extension": attachment.extension, "size": attachment.size, "sha256": attachment.sha256}


@transaction.atomic
def item_create(*, actor: Any, files: Iterable[Any] = (), **values: Any) -> ContentItem:
    """Collect an item for the author's own region: a draft and its first revision."""
    region = getattr(actor, "region", None)
    if region is None or not permissions.may_author(actor, region):
        raise PermissionDenied(_("只有本单位的工作人员可以采集内容。"))
    values = _clean_values(values)
    if values.get("audience") is None:
        values["audience"] = region
    _check_audience(actor, region, values.get("audience"))
    item = ContentItem(region=region, created_by=actor, **values)
    _full_clean(item)
    prepared = prepare(list(files), field="files", allowed_media=ALLOWED_MEDIA[Kind(item.kind)])
    with acting_as(actor):
        item.save()
        stored = _store(item, prepared, actor)
        _revise(item, actor, [_describe(a) for a in stored])
    return item


@transaction.atomic
def item_update(*, actor: Any, item: ContentItem, files: Iterable[Any] = (), remove: Iterable[int] = (),
                **values: Any) -> ContentItem:
    """Save an edit as a new revision. While in review the item must still pass the submission checks; an edit
    after any approval (step 2 or later, or approved and waiting) restarts the chain from its first step."""
    locked = ContentItem.objects.select_for_update(of=("self",)).select_related("region", "audience").get(pk=item.pk)
    if not permissions.may_edit(actor, locked):
        raise PermissionDenied(_("只有本单位的工作人员可以修改内容。"))
    if locked.status not in EDITABLE_STATES:
        raise Conflict(_("当前状态为“%(s)s”，不能修改。已发布的内容请先撤稿。") % {"s": locked.get_status_display()},
                       status=locked.status)
    values = _clean_values(values)
    for name, value in values.items():
        setattr(locked, name, value)
    _check_audience(actor, locked.region, locked.audience)
    _full_clean(locked)
    latest = locked.revisions.order_by("-number").first()
    current = list(latest.attachments) if latest else []
    remove = {int(pk) for pk in remove}
    unknown = remove - {f["id"] for f in current}
    if unknown:
        raise ValidationError({"remove": [_("要删除的附件不存在。")]})
    kept = [f for f in current if f["id"] not in remove]
    allowed = ALLOWED_MEDIA[Kind(locked.kind)]
    if any(f["media"] not in allowed for f in kept):
        raise ValidationError({"kind": [_("现有附件与所选内容类型不符，请先删除不适用的附件。")]})
    prepared = prepare(list(files), field="files", allowed_media=allowed)
    restart = locked.status in (Status.REVIEW_2, Status.REVIEW_3, Status.APPROVED)
    if locked.status in REVIEW_STATES or locked.status == Status.APPROVED:
        problems = submission_problems(locked, _media_of(kept) | {p.media for p in prepared})
        if problems:
            raise ValidationError(problems)
    with acting_as(actor):
        locked.save()
        stored = _store(locked, prepared, actor)
        _revise(locked, actor, kept + [_describe(a) for a in stored])
        if locked.status == Status.REVIEW_1:
            locked.flagged_words = flagged_words(locked)
            locked.save(update_fields=["flagged_words"])
    if restart:
        return transition(workflow_for(locked), obj=locked, action="restart", actor=actor,
                          comment=_("修改后重新送审（第%(n)d版）") % {"n": locked.revision_number},
                          extra_update=_start_round, validate=_ready_for_review)
    return locked


def _ready_for_review(locked: ContentItem, step: Transition) -> None:
    latest = locked.revisions.order_by("-number").first()
    problems = submission_problems(locked, _media_of(latest.attachments if latest else []))
    if problems:
        error = ValidationError(problems)
        error.blocked_words = blocked_words(locked)  # type: ignore[attr-defined]
        raise error


def _start_round(locked: ContentItem, step: Transition) -> list[str]:
    """Snapshot the chain that applies now into a new round and point the item at its first step."""
    chain_region, steps = selectors.chain_steps(locked.region)
    number = ReviewRound.objects.filter(item=locked).count() + 1
    revision = ItemRevision.objects.get(item=locked, number=locked.revision_number)
    review_round = ReviewRound.objects.create(item=locked, number=number, chain_region=chain_region, steps=steps,
                                              revision=revision)
    first = steps[0]
    locked.review_round = review_round
    locked.step_count = len(steps)
    locked.current_step = 1
    locked.current_step_region_id = first["region"]
    locked.current_step_role = first["role"]
    locked.flagged_words = flagged_words(locked)
    return ["review_round", "step_count", "current_step", "current_step_region", "current_step_role",
            "flagged_words", "updated_at"]


def item_submit(*, actor: Any, item: ContentItem, comment: str = "") -> ContentItem:
    """Send a draft into review. A submit stopped by blocking words is recorded in the audit trail (after the
    refused transaction has rolled back, so the record survives it)."""
    try:
        return transition(workflow_for(item), obj=item, action="submit", actor=actor, comment=comment,
                          extra_update=_start_round, validate=_ready_for_review)
    except ValidationError as exc:
        words = getattr(exc, "blocked_words", None)
        if words:
            record_event(AuditEventType.CONTENT_SUBMIT_BLOCKED, actor=actor, target=item,
                         region_path=item.region.path, words=words)
        raise


def item_review(*, actor: Any, item: ContentItem, action: str, comment: str = "", checks: Iterable[str] = (),
                step: int | None = None) -> ContentItem:
    """Approve or return at the current step. ``step`` is the step the reviewer was looking at: if the item has
    moved on meanwhile (another reviewer acted first), the answer is 409, not a decision on a step they never saw.
    Approving needs all four checks (合法性 / 真实性 / 准确性 / 时效性) confirmed."""
    if action not in {"approve", "return"}:
        raise Conflict(_("未知操作：%(action)s") % {"action": action}, action=action)
    checks = sorted({str(c) for c in checks})
    unknown = set(checks) - set(Check.values)
    if unknown:
        raise ValidationError({"checks": [_("未知的审核要点：%(c)s") % {"c": "、".join(sorted(unknown))}]})
    with transaction.atomic():
        locked = ContentItem.objects.select_for_update(of=("self",)).select_related("review_round").get(pk=item.pk)
        if step is not None and locked.status != review_state(step):
            raise Conflict(_("该内容已不在第%(n)d步审核（当前状态：%(s)s），可能已有其他人处理。") % {
                "n": step, "s": locked.get_status_display()}, status=locked.status)
        position = locked.current_step
        name = locked.review_round.step(position)["name"] if locked.review_round_id and position else ""

        def confirm(obj: ContentItem, t: Transition) -> None:
            if t.action == "approve" and set(checks) != set(Check.values):
                missing = [str(Check(c).label) for c in Check.values if c not in checks]
                raise ValidationError({"checks": [_("审核通过前须逐项确认：%(m)s。") % {"m": "、".join(missing)}]})

        def advance(obj: ContentItem, t: Transition) -> list[str]:
            fields = ["current_step", "current_step_region", "current_step_role", "updated_at"]
            if t.target in REVIEW_STATES:
                following = obj.review_round.step(position + 1)
                obj.current_step = position + 1
                obj.current_step_region_id = following["region"]
                obj.current_step_role = following["role"]
            else:
                obj.current_step = 0
                obj.current_step_region = None
                obj.current_step_role = ""
            return fields

        return transition(workflow_for(locked), obj=locked, action=action, actor=actor, comment=comment,
                          extra_update=advance, validate=confirm, position=position, step_name=name, checks=checks)


def _stamp_published(obj: ContentItem, t: Transition) -> list[str]:
    obj.published_at = timezone.now()
    return ["published_at", "updated_at"]


def item_publish(*, actor: Any, item: ContentItem, comment: str = "") -> ContentItem:
    """Publish an approved item now, ahead of its scheduled time."""
    return transition(workflow_for(item), obj=item, action="publish", actor=actor, comment=comment,
                      extra_update=_stamp_published)


def item_withdraw(*, actor: Any, item: ContentItem, reason: str) -> ContentItem:
    """撤稿 with a reason (required)."""
    return transition(workflow_for(item), obj=item, action="withdraw", actor=actor, comment=reason)


def item_publish_due(*, item: ContentItem) -> ContentItem:
    """The scheduler: publish an approved item whose time has come (409 if it is not approved any more)."""
    return transition(workflow_for(item), obj=item, action="auto_publish", actor=None, extra_update=_stamp_published,
                      scheduled=True)


def item_expire(*, item: ContentItem) -> ContentItem:
    """The scheduler: take an item off line once its expiry has passed."""
    return transition(workflow_for(item), obj=item, action="expire", actor=None, scheduled=True)


def item_transition(*, actor: Any, item: ContentItem, action: str, comment: str = "", checks: Iterable[str] = (),
                    step: int | None = None) -> ContentItem:
    """One entry point for the API and the pages: the five actions of the REST API."""
    if action == "submit":
        return item_submit(actor=actor, item=item, comment=comment)
    if action in {"approve", "return"}:
        return item_review(actor=actor, item=item, action=action, comment=comment, checks=checks, step=step)
    if action == "publish":
        return item_publish(actor=actor, item=item, comment=comment)
    if action == "withdraw":
        return item_withdraw(actor=actor, item=item, reason=comment)
    raise Conflict(_("未知操作：%(action)s") % {"action": action}, action=action)
