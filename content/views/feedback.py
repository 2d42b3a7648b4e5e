"""工作交流平台: what waits on my operations office (deadline badges), what I raised, counts by status per level."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shequyun.errors import Conflict
from shequyun.paging import paginate
from shequyun.workdays import deadline_words
from shequyun.workflow import outcome_message

from .. import selectors, services
from ..filters import FeedbackFilter
from ..forms import CommentForm, FeedbackForm
from ..services.feedback import WORKFLOW, answer_days
from ..transitions import FEEDBACK_API_ACTIONS
from .common import errors_to_form, post_only, querystring


@login_required
def feedback_list(request: HttpRequest) -> HttpResponse:
    queue_paging = paginate(request, selectors.feedback_queue(user=request.user), per_page=25, param="queue_page")
    queue = [{"feedback": f, "badge": deadline_words(f.due_date)} for f in queue_paging["page"].object_list]
    filterset = FeedbackFilter(request.GET, queryset=selectors.feedback_list(user=request.user))
    queryset = filterset.qs if filterset.is_valid() else selectors.feedback_list(user=request.user).none()
    page = paginate(request, queryset.order_by("-created_at", "-id"), per_page=25)["page"]
    for f in page.object_list:
        f.badge = deadline_words(f.due_date) if f.status == "open" else None
    return render(request, "content/feedback_list.html", {
        "queue": queue, "queue_paging": queue_paging, "filter": filterset, "page": page, "querystring": querystring(request),
        "levels": selectors.feedback_counts(user=request.user), "answer_days": answer_days()})


@login_required
def feedback_new(request: HttpRequest) -> HttpResponse:
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            feedback = services.feedback_raise(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已提交，转%(r)s运营管理部门答复。") % {"r": feedback.handler_region.name})
            return redirect("content:feedback_detail", pk=feedback.pk)
    return render(request, "content/feedback_form.html", {"form": form, "answer_days": answer_days()},
                  status=400 if request.method == "POST" else 200)


@login_required
def feedback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = selectors.feedback_get(user=request.user, pk=pk)
    actions = [t for t in WORKFLOW.available_actions(feedback, request.user) if t.action in FEEDBACK_API_ACTIONS]
    return render(request, "content/feedback_detail.html", {
        "feedback": feedback, "actions": actions, "comment_form": CommentForm(),
        "events": feedback.events.select_related("actor", "from_region", "to_region").order_by("created_at", "id"),
        "badge": deadline_words(feedback.due_date) if feedback.status == "open" else None})


@post_only
@login_required
def feedback_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    feedback = selectors.feedback_get(user=request.user, pk=pk)
    form = CommentForm(request.POST)
    comment = form.cleaned_data.get("comment", "") if form.is_valid() else ""
    if action not in FEEDBACK_API_ACTIONS:
        messages.error(request, _("未知操作。"))
        return redirect("content:feedback_detail", pk=feedback.pk)
    try:
        services.feedback_act(actor=request.user, feedback=feedback, action=action, comment=comment)
    except Conflict as exc:
        messages.error(request, _("操作未执行：%(m)s") % {"m": exc.message})
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        from ..services.feedback import WORKFLOW

        feedback.refresh_from_db()
        messages.success(request, outcome_message(WORKFLOW, feedback, action, actor=request.user))
        following = selectors.feedback_queue(user=request.user).first()
        if following is not None and action in {"answer", "forward"}:
            return redirect("content:feedback_detail", pk=following.pk)
    return redirect("content:feedback_detail", pk=feedback.pk)
