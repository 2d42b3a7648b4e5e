"""Every read of the content module; each starts from ``visible_to(user)`` (or, for residents, the public rule)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import LEVEL_DEPTH, Region, RegionLevel
from accounts.roles import Role

from . import permissions
from .models import (
    REVIEW_STATES,
    Attachment,
    ContentItem,
    Feedback,
    FeedbackStatus,
    ItemEvent,
    ItemRevision,
    ReadReceipt,
    ReviewChain,
    ReviewStep,
    SensitiveWord,
    Status,
    TrainingFile,
    TrainingMaterial,
)

LIST_RELATED = ("region", "audience", "created_by", "current_step_region")

#: The chain used where no level above an item has configured one: a single 终审 by a reviewer of the item's street
#: (or of its own level, for district and city items).
DEFAULT_STEPS = [{"name": "终审", "role": Role.REVIEWER.value, "level": RegionLevel.STREET.value}]


def _get(queryset: QuerySet, pk: Any) -> Any:
    obj = queryset.filter(pk=pk).first() if str(pk).isdigit() else None
    if obj is None:
        raise Http404("Not found.")
    return obj


# --- Items --------------------------------------------------------------------------------------------------

def item_list(*, user: Any) -> QuerySet[ContentItem]:
    return ContentItem.objects.visible_to(user).select_related(*LIST_RELATED)


def item_get(*, user: Any, pk: Any) -> ContentItem:
    return _get(item_list(user=user).select_related("review_round"), pk)


def item_revisions(item: ContentItem) -> QuerySet[ItemRevision]:
    return item.revisions.select_related("created_by").order_by("number")


def item_events(item: ContentItem) -> QuerySet[ItemEvent]:
    return item.events.select_related("actor", "revision").order_by("created_at", "id")


def events_prefetch() -> Prefetch:
    return Prefetch("events", queryset=ItemEvent.objects.select_related("actor", "revision").order_by("created_at", "id"))


def item_attachments(item: ContentItem, revision: ItemRevision | None = None) -> list[Attachment]:
    """The files of a revision (the latest by default), in upload order."""
    revision = revision or item.revisions.order_by("-number").first()
    ids = [f["id"] for f in (revision.attachments if revision else [])]
    by_id = Attachment.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def attachment_get(*, user: Any, pk: Any) -> Attachment:
    return _get(Attachment.objects.visible_to(user).select_related("item"), pk)


def review_queue(*, user: Any) -> QuerySet[ContentItem]:
    """What waits on this reviewer, soonest publish time first (items without one after), then oldest."""
    from django.db.models import F

    return (permissions.review_queryset(user).select_related(*LIST_RELATED, "review_round")
            .order_by(F("publish_at").asc(nulls_last=True), "updated_at", "pk"))


def review_diff_base(item: ContentItem) -> ItemRevision | None:
    """What the reviewer compares the current text with: the revision approved last (in any round), else the one
    sent into this round, else nothing."""
    approved = (ItemEvent.objects.filter(item=item, action="approve", revision__isnull=False)
                .exclude(revision__number=item.revision_number).order_by("-created_at", "-id")
                .select_related("revision").first())
    if approved is not None:
        return approved.revision
    if item.review_round_id and item.review_round.revision.number != item.revision_number:
        return item.review_round.revision
    return None


def status_counts(queryset: QuerySet) -> dict[str, int]:
    return dict(queryset.order_by().values_list("status").annotate(n=Count("id")))


# --- Public page ----------------------------------------------------------------------------------------------

def public_village(code: str) -> Region:
    village = Region.objects.filter(code=code, level=RegionLevel.VILLAGE).first()
    if village is None:
        raise Http404("No such village.")
    return village


def public_items(village: Region) -> QuerySet[ContentItem]:
    """Published items for the village's residents: nothing personal (no author, no reviewer), newest first."""
    return (ContentItem.objects.public_for(village).select_related("audience", "region")
            .only("pk", "kind", "title", "body", "published_at", "publish_at", "expire_at", "audience__name",
                  "audience__path", "region__name", "is_reprint", "source_name", "source_url", "status", "updated_at")
            .order_by("-published_at", "-pk"))


def public_item(village: Region, pk: Any) -> ContentItem:
    return _get(public_items(village), pk)


def public_attachment(village: Region, item_pk: Any, pk: Any) -> Attachment:
    item = public_item(village, item_pk)
    attachment = next((a for a in item_attachments(item) if str(a.pk) == str(pk)), None)
    if attachment is None:
        raise Http404("Not found.")
    return attachment


def public_images(items: list[ContentItem]) -> dict[int, list[dict[str, Any]]]:
    """The image attachments of each item's latest revision, for a whole page of items in one query."""
    from django.db.models import OuterRef, Subquery

    latest = ItemRevision.objects.filter(item=OuterRef("item")).order_by("-number").values("number")[:1]
    rows = (ItemRevision.objects.filter(item__in=[i.pk for i in items], number=Subquery(latest))
            .values_list("item_id", "attachments"))
    return {item_id: [f for f in files if f.get("media") == "image"] for item_id, files in rows}


# --- Chains ---------------------------------------------------------------------------------------------------

def effective_chain(region: Region) -> ReviewChain | None:
    """The chain that applies to items of ``region``: its own level's, else the nearest configured ancestor's."""
    chains = {c.region.code: c for c in ReviewChain.objects.filter(region__code__in=region.ancestor_codes)
              .select_related("region").prefetch_related("steps")}
    for code in reversed(region.ancestor_codes):
        if code in chains:
            return chains[code]
    return None


def chain_steps(region: Region) -> tuple[Region | None, list[dict[str, Any]]]:
    """The steps that apply to an item of ``region``, each resolved to the region whose reviewers act: the item's
    ancestor (or itself) at the step's level."""
    chain = effective_chain(region)
    if chain is not None:
        raw = [{"name": s.name, "role": s.role, "level": s.level} for s in chain.steps.all()]
    else:
        depth = min(LEVEL_DEPTH[RegionLevel(region.level)], LEVEL_DEPTH[RegionLevel.STREET])
        raw = [{**DEFAULT_STEPS[0], "level": _level_at(depth)}]
    codes = region.ancestor_codes
    by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
    steps = []
    for position, step in enumerate(raw, start=1):
        depth = LEVEL_DEPTH[RegionLevel(step["level"])]
        target = by_code[codes[min(depth, len(codes) - 1)]]
        steps.append({"position": position, "name": step["name"], "role": step["role"], "level": step["level"],
                      "region": target.pk, "region_code": target.code, "region_name": target.name})
    return (chain.region if chain is not None else None), steps


def _level_at(depth: int) -> str:
    return next(level.value for level, d in LEVEL_DEPTH.items() if d == depth)


def chain_list(*, user: Any) -> QuerySet[ReviewChain]:
    return (ReviewChain.objects.visible_to(user).select_related("region", "updated_by")
            .prefetch_related(Prefetch("steps", queryset=ReviewStep.objects.order_by("position"))))


def chain_get(*, user: Any, pk: Any) -> ReviewChain:
    return _get(chain_list(user=user), pk)


# --- Lexicon --------------------------------------------------------------------------------------------------

def lexicon(*, q: str = "", severity: str = "") -> QuerySet[SensitiveWord]:
    queryset = SensitiveWord.objects.all().order_by("word")
    if q:
        queryset = queryset.filter(word__icontains=q)
    if severity:
        queryset = queryset.filter(severity=severity)
    return queryset


# --- Training -------------------------------------------------------------------------------------------------

def training_list(*, user: Any) -> QuerySet[TrainingMaterial]:
    from django.db.models import Exists, OuterRef

    read = ReadReceipt.objects.filter(material=OuterRef("pk"), user_id=user.pk)
    return (TrainingMaterial.objects.visible_to(user).select_related("region", "created_by")
            .annotate(is_read=Exists(read), file_count=Count("files", distinct=True)).order_by("-created_at", "-id"))


def training_get(*, user: Any, pk: Any) -> TrainingMaterial:
    return _get(training_list(user=user), pk)


def training_file_get(*, user: Any, pk: Any) -> TrainingFile:
    return _get(TrainingFile.objects.visible_to(user).select_related("material"), pk)


def training_coverage(*, user: Any, material: TrainingMaterial) -> dict[str, Any]:
    """Who the material is for (within the viewer's subtree), how many have read it, and who has not."""
    people = permissions.coverage_users(user, material)
    readers = ReadReceipt.objects.filter(material=material).values("user_id")
    total = people.count()
    read = people.filter(pk__in=readers).count()
    return {
        "total": total, "read": read, "unread": total - read,
        "rate": round(100 * read / total) if total else 0,
        "non_readers": people.exclude(pk__in=readers).select_related("region", "organisation").order_by(
            "region__path", "username"),
    }


# --- Feedback -------------------------------------------------------------------------------------------------

def feedback_list(*, user: Any) -> QuerySet[Feedback]:
    return Feedback.objects.visible_to(user).select_related("region", "handler_region", "raised_by", "answered_by")


def feedback_get(*, user: Any, pk: Any) -> Feedback:
    return _get(feedback_list(user=user), pk)


def feedback_queue(*, user: Any) -> QuerySet[Feedback]:
    """Open feedback waiting on this operations office, earliest deadline first."""
    return (permissions.feedback_handling_queryset(user).filter(status=FeedbackStatus.OPEN)
            .select_related("region", "handler_region", "raised_by").order_by("due_date", "created_at", "pk"))


def feedback_counts(*, user: Any) -> list[dict[str, Any]]:
    """Counts by status per level (the level that handles them now) over the user's subtree: one query."""
    rows = (Feedback.objects.visible_to(user).order_by().values("handler_region__level", "status")
            .annotate(n=Count("id")))
    table: dict[str, dict[str, int]] = {level.value: {s.value: 0 for s in FeedbackStatus} for level in RegionLevel}
    for row in rows:
        table[row["handler_region__level"]][row["status"]] = row["n"]
    today = timezone.localdate()
    overdue = dict(Feedback.objects.visible_to(user).filter(status=FeedbackStatus.OPEN, due_date__lt=today)
                   .order_by().values_list("handler_region__level").annotate(n=Count("id")))
    return [{"level": level, "counts": [table[level.value][s.value] for s in FeedbackStatus],
             "overdue": overdue.get(level.value, 0), "total": sum(table[level.value].values())}
            for level in RegionLevel]


def home_panel(*, user: Any) -> dict[str, Any]:
    """What the content module shows on a home page: queues and counts (for the lead to include on the work bench)."""
    mine = ContentItem.objects.filter(region_id=user.region_id) if user.region_id else ContentItem.objects.none()
    return {
        "review_count": permissions.review_queryset(user).count(),
        "feedback_count": permissions.feedback_handling_queryset(user).filter(status=FeedbackStatus.OPEN).count(),
        "returned_count": mine.filter(status=Status.DRAFT, events__action="return").distinct().count(),
        "item_counts": status_counts(mine),
        "in_review": mine.filter(status__in=REVIEW_STATES).count(),
        "feedback_levels": feedback_counts(user=user),
        "unread_training": TrainingMaterial.objects.visible_to(user).exclude(
            receipts__user_id=user.pk).filter(~Q(created_by_id=user.pk)).count(),
    }


def home_block(*, user: Any) -> Any:
    """The feedback counts by status per handling level over the user's subtree, for whoever raises or handles
    feedback (registered in ``shequyun.home.PANELS``; what waits on the user is in :func:`home_queues`)."""
    from shequyun.home import Panel

    if not permissions.may_raise_feedback(user):
        return None
    return Panel(key="content-feedback", template="content/_home_feedback.html",
                 context={"levels": feedback_counts(user=user)})


# --- What waits on me (the home page; shequyun/home.py) -------------------------------------------------------

def returned_drafts(*, user: Any) -> QuerySet[ContentItem]:
    """Drafts sent back by a reviewer that the user may edit (``may_edit``: staff and operators of the item's own
    region)."""
    from django.db.models import Exists, OuterRef

    if not permissions._active(user) or (user.region_id is None and not user.is_superuser):
        return ContentItem.objects.none()
    queryset = ContentItem.objects.visible_to(user).filter(status=Status.DRAFT)
    if not user.is_superuser:
        if not (Role.STAFF.value in user.role_slugs or Role.OPERATOR.value in user.role_slugs):
            return ContentItem.objects.none()
        queryset = queryset.filter(region_id=user.region_id)
    return queryset.filter(Exists(ItemEvent.objects.filter(item=OuterRef("pk"), action="return")))


def unread_training(*, user: Any) -> QuerySet[TrainingMaterial]:
    return (TrainingMaterial.objects.visible_to(user).exclude(receipts__user_id=user.pk)
            .exclude(created_by_id=user.pk))


def home_queues(*, user: Any) -> list[Any]:
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from shequyun.home import build_queue

    def returned_check(u: Any, item: Any) -> bool:
        return (item.status == Status.DRAFT and permissions.may_edit(u, item)
                and item.events.filter(action="return").exists())

    def feedback_check(u: Any, feedback: Any) -> bool:
        return feedback.status == FeedbackStatus.OPEN and permissions.may_handle_feedback(u, feedback)

    def training_check(u: Any, material: Any) -> bool:
        return (TrainingMaterial.objects.visible_to(u).filter(pk=material.pk).exists()
                and not material.receipts.filter(user_id=u.pk).exists() and material.created_by_id != u.pk)

    return [
        build_queue(key="content-review", label=_("待我审核的内容"), url=reverse("content:review_queue"),
                    queryset=permissions.review_queryset(user).select_related("region"), check=permissions.may_review,
                    due="publish_at", order=("updated_at", "pk"), title=lambda i: i.title,
                    item_url=lambda i: reverse("content:review", args=[i.pk])),
        build_queue(key="content-returned", label=_("被退回待修改的内容"),
                    url=reverse("content:item_list") + "?status=draft&mine=true",
                    queryset=returned_drafts(user=user), check=returned_check, order=("updated_at", "pk"),
                    title=lambda i: i.title, item_url=lambda i: reverse("content:item_detail", args=[i.pk])),
        build_queue(key="content-feedback", label=_("待我答复的交流"), url=reverse("content:feedback_list"),
                    queryset=permissions.feedback_handling_queryset(user).filter(status=FeedbackStatus.OPEN),
                    check=feedback_check, due="due_date", title=lambda f: f.title,
                    item_url=lambda f: reverse("content:feedback_detail", args=[f.pk])),
        build_queue(key="content-training", label=_("未读培训教材"), url=reverse("content:training_list") + "?read=false",
                    queryset=unread_training(user=user), check=training_check, order=("-created_at", "-pk"),
                    title=lambda m: m.title, item_url=lambda m: reverse("content:training_detail", args=[m.pk])),
    ]
