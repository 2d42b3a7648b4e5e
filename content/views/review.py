"""The review queue and the review page: the item beside its diff and the four checks."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shequyun.errors import Conflict
from shequyun.paging import paginate
from shequyun.workdays import calendar, deadline_words
from shequyun.workflow import outcome_message

from .. import lexicon, permissions, selectors, services
from ..diff import diff_revisions
from ..forms import ReviewForm
from .common import errors_to_form


def badge(item: Any) -> dict[str, Any]:
    """Deadline in words: the review must be done before the publish time; without one, the waiting time."""
    if item.publish_at is not None:
        due = timezone.localdate(item.publish_at)
        words = deadline_words(due)
        return {**words, "title": _("须在发布时间前完成审核")}
    waited = calendar.working_days_between(timezone.localdate(item.updated_at), timezone.localdate())
    text = _("已等待%(n)d个工作日") % {"n": waited} if waited else _("今天送审")
    return {"text": text, "level": "danger" if waited >= 3 else "light", "order": waited, "title": _("送审后等待时间")}


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    paging = paginate(request, selectors.review_queue(user=request.user), per_page=50)
    rows = [{"item": item, "badge": badge(item),
             "step": item.review_round.step(item.current_step)["name"] if item.review_round_id else ""}
            for item in paging["page"].object_list]
    return render(request, "content/review_queue.html", {"rows": rows, "count": paging["page"].paginator.count,
                                                        **paging})


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_get(user=request.user, pk=pk)
    may = permissions.may_review(request.user, item)
    form = ReviewForm(request.POST or None, initial={"step": item.current_step or None})
    if request.method == "POST":
        decision = request.POST.get("decision")
        if form.is_valid() and decision in {"approve", "return"}:
            try:
                services.item_review(actor=request.user, item=item, action=decision,
                                     comment=form.cleaned_data["comment"], checks=form.cleaned_data["checks"],
                                     step=form.cleaned_data.get("step"))
            except Conflict as exc:
                messages.error(request, _("操作未执行：%(m)s") % {"m": exc.message})
                return redirect("content:review_queue")
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                item.refresh_from_db()
                messages.success(request, outcome_message(services.workflow_for(item), item, decision,
                                                          actor=request.user))
                following = selectors.review_queue(user=request.user).exclude(pk=item.pk).first()
                if following is not None:
                    return redirect("content:review", pk=following.pk)
                return redirect("content:review_queue")
        elif decision not in {"approve", "return"}:
            form.add_error(None, _("请选择“审核通过”或“退回修改”。"))
        if not may:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
    base = selectors.review_diff_base(item)
    latest = selectors.item_revisions(item).last()
    flags = set(item.flagged_words)
    return render(request, "content/review.html", {
        "item": item, "form": form, "may_review": may, "badge": badge(item),
        "step": item.review_round.step(item.current_step) if item.review_round_id and item.current_step else None,
        "steps": item.review_round.steps if item.review_round_id else [],
        "diff": diff_revisions(base, latest) if latest else None, "base": base,
        "body_html": lexicon.highlight(item.body), "flags": sorted(flags),
        "title_html": lexicon.highlight(item.title, escaped=False),
        "attachments": selectors.item_attachments(item, latest),
        "events": selectors.item_events(item), "revisions": list(selectors.item_revisions(item)),
    }, status=400 if request.method == "POST" else 200)
