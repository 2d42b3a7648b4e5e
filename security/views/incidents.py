"""Incident pages: queue and list, report, detail with timeline and actions, post-incident review."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import formset_factory
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shequyun.errors import Conflict
from shequyun.paging import paginate
from shequyun.workflow import outcome_message

from .. import selectors, services
from ..filters import IncidentFilter
from ..forms import (
    AcknowledgeForm,
    ActivatePlanForm,
    CommentForm,
    DisconnectForm,
    GradeForm,
    IncidentForm,
    ResolveForm,
    ReviewActionForm,
    ReviewForm,
)
from ..models import IncidentStatus
from ..permissions import may_disconnect, may_handle_incident, may_report
from ..services.incidents import WORKFLOW
from ..transitions import INCIDENT_SPECIAL
from .common import conflict_message, errors_to_form, filtered_page, flash_errors, form_status, post_only


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    queue_paging = paginate(request, selectors.incident_queue(user=request.user), per_page=25, param="queue_page")
    context = filtered_page(request, IncidentFilter, selectors.incident_list(user=request.user).order_by(
        "-created_at", "-id"))
    return render(request, "security/incident_list.html", {
        **context,
        "queue": [{"incident": i, "badge": selectors.incident_badge(i)} for i in queue_paging["page"].object_list],
        "queue_paging": queue_paging,
        "counts": selectors.queue_counts(selectors.incident_list(user=request.user).filter(is_drill=False)),
        "can_report": may_report(request.user),
    })


@login_required
def incident_new(request: HttpRequest) -> HttpResponse:
    if not may_report(request.user):
        raise PermissionDenied
    initial = {"drill": request.GET.get("drill")} if (request.GET.get("drill") or "").isdigit() else {}
    if initial:
        drill = selectors.drill_get_visible(user=request.user, pk=initial["drill"])
        initial |= {"title": _("【演练】%(t)s") % {"t": drill.title}, "scenario": drill.scenario_id}
    form = IncidentForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["subcategory"] = data.get("subcategory") or None
        data["drill"] = data.get("drill") or None
        try:
            incident = services.incident_report(actor=request.user, **data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已上报，建议级别：%(g)s。") % {"g": incident.get_effective_grade_display()})
            return redirect("security:incident", pk=incident.pk)
    return render(request, "security/incident_form.html", {"form": form}, status=form_status(request, form))


def _context(request: HttpRequest, incident: Any) -> dict[str, Any]:
    user = request.user
    handler = may_handle_incident(user, incident)
    plans = services.plans_for(incident) if handler else []
    actions = [t for t in WORKFLOW.available_actions(incident, user) if t.action not in INCIDENT_SPECIAL]
    return {
        "incident": incident, "timeline": selectors.incident_timeline(incident), "badge": selectors.incident_badge(incident),
        "actions": actions, "handler": handler,
        "can_acknowledge": handler and incident.status == IncidentStatus.REPORTED,
        "can_resolve": handler and incident.status == IncidentStatus.CONTAINED,
        "can_review": handler and incident.status == IncidentStatus.RESOLVED,
        "can_grade": handler and incident.status not in (IncidentStatus.RESOLVED, IncidentStatus.REVIEWED),
        "ack_form": AcknowledgeForm(initial={"grade": incident.effective_grade}),
        "grade_form": GradeForm(initial={"grade": incident.effective_grade}),
        "resolve_form": ResolveForm(), "comment_form": CommentForm(),
        "plan_form": ActivatePlanForm(versions=plans) if plans and incident.status not in (
            IncidentStatus.RESOLVED, IncidentStatus.REVIEWED) else None,
        "can_disconnect": may_disconnect(user, incident) and incident.status not in (
            IncidentStatus.RESOLVED, IncidentStatus.REVIEWED),
        "disconnect_form": DisconnectForm(),
        "disconnected": services.disconnected_for(incident),
        "review_actions": incident.review_actions.select_related("owner"),
    }


@login_required
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = selectors.incident_get_visible(user=request.user, pk=pk)
    return render(request, "security/incident_detail.html", _context(request, incident))


@post_only
def incident_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    incident = selectors.incident_get_visible(user=request.user, pk=pk)
    action = action.replace("-", "_")
    user, post = request.user, request.POST
    try:
        if action == "acknowledge":
            form = AcknowledgeForm(post)
            if not form.is_valid():
                raise ValidationError({k: list(v) for k, v in form.errors.items()})
            services.incident_acknowledge(actor=user, incident=incident, grade=form.cleaned_data["grade"],
                                          reason=form.cleaned_data["grade_reason"], comment=form.cleaned_data["comment"])
        elif action == "grade":
            form = GradeForm(post)
            if not form.is_valid():
                raise ValidationError({k: list(v) for k, v in form.errors.items()})
            services.incident_confirm_grade(actor=user, incident=incident, grade=form.cleaned_data["grade"],
                                            reason=form.cleaned_data["grade_reason"])
        elif action == "resolve":
            services.incident_resolve(actor=user, incident=incident, resolution_note=post.get("resolution_note", "")[:10000])
        elif action == "activate_plan":
            services.incident_activate_plan(actor=user, incident=incident, version=post.get("plan_version", ""))
        elif action == "disconnect":
            services.incident_disconnect(actor=user, incident=incident, reason=post.get("reason", "")[:2000],
                                         scope=post.get("scope", "scenario"))
        elif action == "reconnect":
            services.incident_reconnect(actor=user, incident=incident, comment=post.get("comment", "")[:2000])
        else:
            services.incident_transition(actor=user, incident=incident, action=action,
                                         comment=post.get("comment", "")[:2000])
    except Conflict as exc:
        conflict_message(request, exc.message)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        incident.refresh_from_db()
        messages.success(request, {"grade": _("已确认事件级别。"), "activate_plan": _("已启动应急预案。"),
                                   "disconnect": _("已紧急断开连接。"), "reconnect": _("已恢复连接。")}.get(action)
                         or outcome_message(WORKFLOW, incident, action, actor=user))
    return redirect("security:incident", pk=incident.pk)


ReviewActionFormSet = formset_factory(ReviewActionForm, extra=3, max_num=20, validate_max=True)


@login_required
def incident_review(request: HttpRequest, pk: int) -> HttpResponse:
    incident = selectors.incident_get_visible(user=request.user, pk=pk)
    if not may_handle_incident(request.user, incident):
        raise PermissionDenied
    form = ReviewForm(request.POST or None)
    formset = ReviewActionFormSet(request.POST or None, prefix="actions", form_kwargs={"user": request.user})
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        rows = [f.cleaned_data for f in formset if f.cleaned_data.get("description") or f.cleaned_data.get("owner")]
        try:
            services.incident_review(actor=request.user, incident=incident, causes=form.cleaned_data["causes"],
                                     actions=[{"description": r.get("description") or "", "owner": r.get("owner"),
                                               "deadline": r.get("deadline")} for r in rows])
        except Conflict as exc:
            conflict_message(request, exc.message)
            return redirect("security:incident", pk=incident.pk)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("复盘已完成。"))
            return redirect("security:incident", pk=incident.pk)
    return render(request, "security/incident_review.html", {"incident": incident, "form": form, "formset": formset},
                  status=form_status(request, form, formset))
