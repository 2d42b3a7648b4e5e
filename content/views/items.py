"""Collection pages: my items, the collection form, an item with its history and revisions, the diff between any
two revisions, the signed review record (审核表) to print or export. Every write is one service call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shequyun.errors import Conflict
from shequyun.exports import xlsx_response
from shequyun.paging import paginate
from shequyun.workflow import outcome_message

from .. import lexicon, permissions, selectors, services
from ..diff import diff_revisions
from ..filters import ItemFilter
from ..forms import CommentForm, ItemForm
from ..models import Check, Status
from ..transitions import BUTTON_ACTIONS
from .common import errors_to_form, file_response, post_only, querystring

SORTS = {"-updated": "-updated_at", "publish": "publish_at", "-publish": "-publish_at", "title": "title",
         "status": "status"}


def _can_author(user: Any) -> bool:
    return user.region is not None and permissions.may_author(user, user.region)


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    """Items of my subtree (and published items sent to me), filtered by the same FilterSet as the API."""
    data = request.GET.copy()
    if "mine" not in data and _can_author(request.user):
        data["mine"] = "true"  # staff open on their own unit's items; the filter stays in the URL when changed
    filterset = ItemFilter(data, queryset=selectors.item_list(user=request.user), request=request)
    queryset = filterset.qs if filterset.is_valid() else selectors.item_list(user=request.user).none()
    queryset = queryset.order_by(SORTS.get(request.GET.get("sort", ""), "-updated_at"), "-id")
    page = paginate(request, queryset, per_page=25)["page"]
    return render(request, "content/item_list.html", {
        "filter": filterset, "page": page, "querystring": querystring(request),
        "counts_list": _counts_list(selectors.status_counts(filterset.qs if filterset.is_valid() else queryset)),
        "can_author": _can_author(request.user),
    })


def _counts_list(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    return [(value, label, counts.get(value, 0)) for value, label in Status.choices]


def _files(request: HttpRequest) -> list[Any]:
    return request.FILES.getlist("files")


@login_required
def item_new(request: HttpRequest) -> HttpResponse:
    if not _can_author(request.user):
        raise PermissionDenied
    form = ItemForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        values.pop("files", None)
        try:
            item = services.item_create(actor=request.user, files=_files(request), **values)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已保存草稿（第1版）。"))
            return redirect("content:item_detail", pk=item.pk)
    return render(request, "content/item_form.html", {"form": form, "creating": True})


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_get(user=request.user, pk=pk)
    if not permissions.may_edit(request.user, item):
        raise PermissionDenied
    attachments = selectors.item_attachments(item)
    initial = {name: getattr(item, name) for name in services.items.ITEM_FIELDS}
    initial["publish_at"] = timezone.localtime(item.publish_at) if item.publish_at else None
    initial["expire_at"] = timezone.localtime(item.expire_at) if item.expire_at else None
    form = ItemForm(request.POST or None, request.FILES or None, user=request.user, attachments=attachments,
                    initial=initial)
    blocked_preview = None
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        values.pop("files", None)
        remove = values.pop("remove", [])
        restarts = item.status in (Status.REVIEW_2, Status.REVIEW_3, Status.APPROVED)
        try:
            item = services.item_update(actor=request.user, item=item, files=_files(request), remove=remove, **values)
        except ValidationError as exc:
            errors_to_form(form, exc)
            blocked_preview = _blocked_preview(values.get("title", ""), values.get("body", ""))
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("content:item_detail", pk=item.pk)
        else:
            messages.success(request, _("已保存第%(n)d版。") % {"n": item.revision_number})
            if restarts:
                messages.info(request, _("修改发生在审核通过之后，审核已从第一步重新开始。"))
            return redirect("content:item_detail", pk=item.pk)
    return render(request, "content/item_form.html", {"form": form, "item": item, "attachments": attachments,
                                                      "blocked_preview": blocked_preview})


def _blocked_preview(title: str, body: str) -> dict[str, str] | None:
    from ..models import Severity
    from ..sanitize import clean_html

    body = clean_html(body or "")
    if not lexicon.words(lexicon.scan(f"{title}\n{body}"), Severity.BLOCK):
        return None
    return {"title": lexicon.highlight(title, escaped=False), "body": lexicon.highlight(body)}


def _detail_context(request: HttpRequest, item: Any) -> dict[str, Any]:
    workflow = services.workflow_for(item)
    actions = [t for t in workflow.available_actions(item, request.user) if t.action in BUTTON_ACTIONS]
    revisions = list(selectors.item_revisions(item))
    missing: dict[str, list[str]] = {}
    if item.status == Status.DRAFT and permissions.may_edit(request.user, item):
        latest = revisions[-1] if revisions else None
        missing = services.items.submission_problems(item, {f["media"] for f in (latest.attachments if latest else [])})
    return {
        "item": item, "actions": actions, "revisions": revisions, "events": selectors.item_events(item),
        "attachments": selectors.item_attachments(item, revisions[-1] if revisions else None),
        "can_edit": permissions.may_edit(request.user, item) and item.status in services.items.EDITABLE_STATES,
        "can_review": permissions.may_review(request.user, item),
        "missing": missing, "comment_form": CommentForm(),
        "body_html": lexicon.highlight(item.body) if missing else item.body,
        "steps": item.review_round.steps if item.review_round_id else selectors.chain_steps(item.region)[1],
    }


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_get(user=request.user, pk=pk)
    return render(request, "content/item_detail.html", _detail_context(request, item))


@post_only
@login_required
def item_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """submit / publish / withdraw from the item page (approve / return are on the review page)."""
    item = selectors.item_get(user=request.user, pk=pk)
    form = CommentForm(request.POST)
    comment = form.cleaned_data.get("comment", "") if form.is_valid() else ""
    if action not in BUTTON_ACTIONS:
        messages.error(request, _("未知操作。"))
        return redirect("content:item_detail", pk=item.pk)
    try:
        services.item_transition(actor=request.user, item=item, action=action, comment=comment)
    except Conflict as exc:
        messages.error(request, _("操作未执行：%(m)s 页面已刷新。") % {"m": exc.message})
    except ValidationError as exc:
        messages.error(request, "；".join(m for ms in exc.message_dict.values() for m in ms)
                       if hasattr(exc, "error_dict") else "；".join(exc.messages))
        if action == "submit":
            context = _detail_context(request, item)
            context["submit_errors"] = exc.message_dict if hasattr(exc, "error_dict") else {}
            context["body_html"] = lexicon.highlight(item.body)
            context["title_html"] = lexicon.highlight(item.title, escaped=False)
            return render(request, "content/item_detail.html", context, status=400)
    else:
        item.refresh_from_db()
        messages.success(request, outcome_message(services.workflow_for(item), item, action, actor=request.user))
    return redirect("content:item_detail", pk=item.pk)


@login_required
def item_diff(request: HttpRequest, pk: int) -> HttpResponse:
    """Any two revisions side by side (default: the last two)."""
    item = selectors.item_get(user=request.user, pk=pk)
    revisions = {r.number: r for r in selectors.item_revisions(item)}
    errors = []
    try:
        new_number = int(request.GET.get("b") or item.revision_number)
        old_number = int(request.GET.get("a") or new_number - 1)
    except ValueError:
        new_number, old_number = item.revision_number, item.revision_number - 1
        errors.append(_("版本号无效，已显示最近两版。"))
    if new_number not in revisions:
        errors.append(_("没有第%(n)d版，已显示最新版。") % {"n": new_number})
        new_number = item.revision_number
    if old_number not in revisions:
        old_number = 0
    return render(request, "content/item_diff.html", {
        "item": item, "revisions": list(revisions.values()), "a": old_number, "b": new_number, "errors": errors,
        "diff": diff_revisions(revisions.get(old_number), revisions[new_number]),
    })


@login_required
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.attachment_get(user=request.user, pk=pk)
    return file_response(row.file, filename=row.name, extension=row.extension, inline_image=row.media == "image")


def _record(item: Any) -> dict[str, Any]:
    """The signed review record (审核表): the latest round's steps with who, when, the four checks and comments."""
    rounds = list(item.rounds.order_by("number"))
    current = rounds[-1] if rounds else None
    events = list(selectors.item_events(item).filter(review_round=current)) if current else []
    decisions = {}
    for event in events:
        if event.action in {"approve", "return"}:
            decisions[event.step] = event  # the last decision of each step in this round
    steps = []
    for step in (current.steps if current else []):
        event = decisions.get(step["position"])
        steps.append({**step, "event": event,
                      "checks": [(c.label, event is not None and c.value in event.checks) for c in Check]})
    published = next((e for e in reversed(list(selectors.item_events(item))) if e.to_status == Status.PUBLISHED), None)
    return {"item": item, "round": current, "round_count": len(rounds), "steps": steps, "published": published,
            "submitted": next((e for e in events if e.action in {"submit", "restart"}), None)}


@login_required
def review_record(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_get(user=request.user, pk=pk)
    record = _record(item)
    if request.GET.get("export") == "xlsx":
        title = f"审核表 · {item.title} · 第{record['round'].revision.number if record['round'] else item.revision_number}版"
        rows = [[s["name"], s["region_name"], s["event"].actor.display_name if s["event"] and s["event"].actor else "",
                 timezone.localtime(s["event"].created_at).strftime("%Y-%m-%d %H:%M") if s["event"] else "",
                 *["✓" if ok else "" for _label, ok in s["checks"]],
                 ({"approve": "通过", "return": "退回"}[s["event"].action] if s["event"] else "待审"),
                 s["event"].comment if s["event"] else "",
                 s["event"].revision.number if s["event"] and s["event"].revision else ""] for s in record["steps"]]
        return xlsx_response(request=request, filename=f"审核表-{item.pk}.xlsx", title=title,
                             headers=["环节", "审核单位", "审核人", "时间", *[c.label for c in Check], "结论", "意见",
                                      "审核版本"],
                             rows=rows, item=item.pk)
    return render(request, "content/review_record.html", record)
