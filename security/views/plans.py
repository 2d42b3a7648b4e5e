"""Emergency plan pages: list, create, detail with versions and history, edit the draft, act, diff."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import formset_factory
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shequyun.errors import Conflict
from shequyun.paging import paginate
from shequyun.workflow import outcome_message

from .. import selectors, services
from ..filters import PlanFilter
from ..forms import CommentForm, PlanForm, RevisionForm, TeamMemberForm
from ..models import EmergencyPlan, PlanStatus
from ..permissions import is_security_officer, may_edit_plan
from ..services.plans import CONTENT_FIELDS, WORKFLOW
from ..transitions import PLAN_SPECIAL
from .common import conflict_message, errors_to_form, filtered_page, flash_errors, form_status, post_only

TeamFormSet = formset_factory(TeamMemberForm, extra=2, max_num=50, validate_max=True)


def _can_create(user: Any) -> bool:
    return (is_security_officer(user) and user.region is not None and user.region.level != "village"
            and not EmergencyPlan.objects.filter(region=user.region).exists())


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    context = filtered_page(request, PlanFilter, selectors.plan_list(user=request.user).prefetch_related(
        "versions").order_by("region__code"))
    return render(request, "security/plan_list.html", {**context, "can_create": _can_create(request.user)})


def _team_rows(formset: Any) -> list[dict[str, Any]]:
    return [{"user": f.cleaned_data.get("user"), "duty": f.cleaned_data.get("duty") or "",
             "contact": f.cleaned_data.get("contact") or ""}
            for f in formset if f.cleaned_data.get("user") or f.cleaned_data.get("duty")]


@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    if not _can_create(request.user):
        raise PermissionDenied
    form = PlanForm(request.POST or None)
    formset = TeamFormSet(request.POST or None, prefix="team", form_kwargs={"user": request.user})
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            plan = services.plan_create(actor=request.user, region=request.user.region, team=_team_rows(formset),
                                        **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("预案草稿已保存。"))
            return redirect("security:plan", pk=plan.pk)
    return render(request, "security/plan_form.html", {"form": form, "formset": formset, "creating": True},
                  status=form_status(request, form, formset))


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_visible(user=request.user, pk=pk)
    versions = selectors.plan_versions(plan)
    shown = versions[0] if versions else None
    number = request.GET.get("version", "")
    if number.isdigit():
        shown = next((v for v in versions if v.number == int(number)), shown)
    current = selectors.current_version(versions)
    open_version = next((v for v in versions if v.status in (PlanStatus.DRAFT, PlanStatus.APPROVED)), None)
    actions = [t for t in WORKFLOW.available_actions(open_version, request.user)
               if t.action not in PLAN_SPECIAL] if open_version else []
    return render(request, "security/plan_detail.html", {
        "plan": plan, "versions": versions, "shown": shown, "current": current, "open_version": open_version,
        "actions": actions, "comment_form": CommentForm(), "revision_form": RevisionForm(),
        "can_edit": open_version is not None and open_version.status == PlanStatus.DRAFT and may_edit_plan(
            request.user, plan),
        "can_revise": open_version is None and may_edit_plan(request.user, plan),
        "drills": paginate(request, selectors.drill_list(user=request.user).filter(plan_version__plan=plan).order_by(
            "-planned_on", "-pk"), per_page=20, param="drill_page"),
    })


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_visible(user=request.user, pk=pk)
    if not may_edit_plan(request.user, plan):
        raise PermissionDenied
    version = plan.versions.filter(status=PlanStatus.DRAFT).first()
    if version is None:
        messages.error(request, _("没有可修改的草稿，请先发起修订。"))
        return redirect("security:plan", pk=plan.pk)
    initial = {"title": plan.title, **{f: getattr(version, f) for f in CONTENT_FIELDS}}
    team = [{"user": m.user_id, "duty": m.duty, "contact": m.contact} for m in version.team.all()]
    form = PlanForm(request.POST or None, initial=initial)
    formset = TeamFormSet(request.POST or None, prefix="team", initial=team, form_kwargs={"user": request.user})
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.plan_version_update(actor=request.user, version=version, team=_team_rows(formset),
                                         **form.cleaned_data)
        except Conflict as exc:
            conflict_message(request, exc.message)
            return redirect("security:plan", pk=plan.pk)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("草稿已保存。"))
            return redirect("security:plan", pk=plan.pk)
    return render(request, "security/plan_form.html", {"form": form, "formset": formset, "plan": plan,
                                                       "version": version}, status=form_status(request, form, formset))


@post_only
def plan_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    plan = selectors.plan_get_visible(user=request.user, pk=pk)
    action = action.replace("-", "_")
    try:
        if action == "revise":
            form = RevisionForm(request.POST)
            if not form.is_valid():
                raise ValidationError({k: list(v) for k, v in form.errors.items()})
            services.plan_revision_open(actor=request.user, plan=plan, reason=form.cleaned_data["reason"],
                                        working_days=form.cleaned_data["working_days"])
        else:
            version = plan.versions.filter(status__in=[PlanStatus.DRAFT, PlanStatus.APPROVED]).first()
            if version is None:
                raise Conflict(_("没有待批准或待发布的版本。"))
            services.plan_transition(actor=request.user, version=version, action=action,
                                     comment=request.POST.get("comment", "")[:2000])
    except Conflict as exc:
        conflict_message(request, exc.message)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        if action == "revise":
            messages.success(request, _("已发起预案修订。"))
        else:
            version.refresh_from_db()
            messages.success(request, outcome_message(WORKFLOW, version, action, actor=request.user))
    return redirect("security:plan", pk=plan.pk)


@login_required
def plan_diff(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_visible(user=request.user, pk=pk)
    versions = {v.number: v for v in selectors.plan_versions(plan)}
    numbers = sorted(versions)
    if not numbers:
        raise Http404
    old_raw, new_raw = request.GET.get("old", ""), request.GET.get("new", "")
    new = int(new_raw) if new_raw.isdigit() and int(new_raw) in versions else numbers[-1]
    fallback = numbers[-2] if len(numbers) > 1 else numbers[-1]
    old = int(old_raw) if old_raw.isdigit() and int(old_raw) in versions else fallback
    return render(request, "security/plan_diff.html", {
        "plan": plan, "numbers": numbers, "old": versions[old], "new": versions[new],
        "sections": selectors.plan_diff(versions[old], versions[new]),
    })
