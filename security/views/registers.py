"""Drills, training, assessments, confidentiality agreements, the category list and the dashboard."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shequyun.charts import chart_xlsx_response
from shequyun.errors import Conflict
from shequyun.paging import paginate
from shequyun.workdays import deadline_words
from shequyun.workflow import outcome_message

from .. import selectors, services
from ..filters import AgreementFilter, AssessmentFilter, DrillFilter, TrainingFilter
from ..forms import (
    AgreementForm,
    AssessmentForm,
    CategoryForm,
    CommentForm,
    DrillCompleteForm,
    DrillForm,
    NewAgreementForm,
    NewAssessmentForm,
    TrainingForm,
)
from ..models import DrillStatus, IncidentCategory, PlanVersion
from ..permissions import (
    is_security_officer,
    may_correct_categories,
    may_manage_assessment,
    may_manage_drills,
    may_record_training,
)
from ..services.drills import WORKFLOW as DRILL_WORKFLOW
from ..transitions import DRILL_SPECIAL
from .common import conflict_message, errors_to_form, filtered_page, flash_errors, form_status, post_only


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    data = selectors.dashboard(user=request.user)
    key = request.GET.get("export")
    if key:
        chart = next((c for c in data["charts"] if c.key == key), None)
        if chart is not None:
            return chart_xlsx_response(request=request, chart=chart)
    queue = selectors.incident_queue(user=request.user)
    return render(request, "security/dashboard.html", {
        **data, "queue": [{"incident": i, "badge": selectors.incident_badge(i)} for i in queue[:10]],
        "queue_count": queue.count(),
    })


# --- Drills -------------------------------------------------------------------------------------------------------

def _due_badge(day: Any) -> dict[str, Any]:
    return deadline_words(day) if day else {}


@login_required
def drill_list(request: HttpRequest) -> HttpResponse:
    context = filtered_page(request, DrillFilter, selectors.drill_list(user=request.user).order_by("planned_on", "id"))
    rows = [{"drill": d, "badge": _due_badge(d.planned_on) if d.status == DrillStatus.PLANNED else {}}
            for d in context["page"]]
    return render(request, "security/drill_list.html", {**context, "rows": rows,
                                                        "can_create": is_security_officer(request.user)})


@login_required
def drill_new(request: HttpRequest) -> HttpResponse:
    if not is_security_officer(request.user):
        raise PermissionDenied
    form = DrillForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = PlanVersion.objects.visible_to(request.user).filter(pk=data["plan_version"]).select_related(
            "plan__region").first()
        try:
            if version is None:
                raise ValidationError({"plan_version": [_("请选择预案版本。")]})
            drill = services.drill_create(actor=request.user, region=version.plan.region, **data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("演练计划已登记。"))
            return redirect("security:drill", pk=drill.pk)
    return render(request, "security/simple_form.html", {
        "form": form, "title": _("登记演练计划"), "back": "security:drills", "back_label": _("应急演练")}, status=form_status(request, form))


@login_required
def drill_detail(request: HttpRequest, pk: int) -> HttpResponse:
    drill = selectors.drill_get_visible(user=request.user, pk=pk)
    actions = [t for t in DRILL_WORKFLOW.available_actions(drill, request.user) if t.action not in DRILL_SPECIAL]
    can_complete = drill.status == DrillStatus.PLANNED and may_manage_drills(request.user, drill.region)
    return render(request, "security/drill_detail.html", {
        "drill": drill, "actions": actions, "comment_form": CommentForm(),
        "complete_form": DrillCompleteForm(user=request.user, initial={
            "held_on": timezone.localdate(), "participants": [p.pk for p in drill.participants.all()]})
        if can_complete else None,
        "incidents": drill.incidents.all(), "history": drill.events.select_related("actor"),
        "badge": _due_badge(drill.planned_on) if drill.status == DrillStatus.PLANNED else {},
    })


@post_only
def drill_complete(request: HttpRequest, pk: int) -> HttpResponse:
    drill = selectors.drill_get_visible(user=request.user, pk=pk)
    form = DrillCompleteForm(request.POST, user=request.user)
    try:
        if not form.is_valid():
            raise ValidationError({k: list(v) for k, v in form.errors.items()})
        services.drill_complete(actor=request.user, drill=drill, **form.cleaned_data)
    except Conflict as exc:
        conflict_message(request, exc.message)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("演练结果已记录。") + (_("已发起预案修订。") if form.cleaned_data.get(
            "revision_required") else ""))
    return redirect("security:drill", pk=drill.pk)


@post_only
def drill_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    drill = selectors.drill_get_visible(user=request.user, pk=pk)
    try:
        services.drill_transition(actor=request.user, drill=drill, action=action.replace("-", "_"),
                                  comment=request.POST.get("comment", "")[:2000])
    except Conflict as exc:
        conflict_message(request, exc.message)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        drill.refresh_from_db()
        messages.success(request, outcome_message(DRILL_WORKFLOW, drill, action.replace("-", "_"),
                                                  actor=request.user))
    return redirect("security:drill", pk=drill.pk)


# --- Training -----------------------------------------------------------------------------------------------------

@login_required
def training_list(request: HttpRequest) -> HttpResponse:
    context = filtered_page(request, TrainingFilter, selectors.training_list(user=request.user).order_by(
        "-held_on", "-id"))
    return render(request, "security/training_list.html", {
        **context, "can_create": request.user.region is not None and may_record_training(request.user,
                                                                                         request.user.region)})


@login_required
def training_new(request: HttpRequest) -> HttpResponse:
    if request.user.region is None or not may_record_training(request.user, request.user.region):
        raise PermissionDenied
    form = TrainingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            training = services.training_create(actor=request.user, region=request.user.region, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("培训已登记。"))
            return redirect("security:training", pk=training.pk)
    return render(request, "security/simple_form.html", {
        "form": form, "title": _("登记培训"), "back": "security:trainings", "back_label": _("安全培训")}, status=form_status(request, form))


@login_required
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    training = selectors.training_get_visible(user=request.user, pk=pk)
    return render(request, "security/training_detail.html", {
        "training": training, "participants": training.participants.select_related("region", "organisation")})


@login_required
def training_coverage(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year
    rows = selectors.training_coverage(user=request.user, year=year)
    page = paginate(request, selectors.untrained_people(user=request.user, year=year), per_page=50)["page"]
    return render(request, "security/training_coverage.html", {
        "rows": rows, "year": year, "page": page, "querystring": f"year={year}"})


# --- Assessments and agreements -----------------------------------------------------------------------------------

@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    context = filtered_page(request, AssessmentFilter, selectors.assessment_list(user=request.user).order_by(
        "next_due_on", "id"))
    rows = [{"a": a, "badge": _due_badge(a.next_due_on),
             "crypto_badge": _due_badge(a.crypto_next_due_on) if a.crypto_required else {}} for a in context["page"]]
    return render(request, "security/assessment_list.html", {**context, "rows": rows,
                                                             "can_create": is_security_officer(request.user)})


@login_required
def assessment_new(request: HttpRequest) -> HttpResponse:
    if not is_security_officer(request.user):
        raise PermissionDenied
    initial = {"scenario": request.GET.get("scenario")} if (request.GET.get("scenario") or "").isdigit() else {}
    form = NewAssessmentForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            assessment = services.assessment_save(actor=request.user, must_be_new=True, **data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("测评信息已保存。"))
            return redirect("security:assessment", pk=assessment.pk)
    return render(request, "security/simple_form.html", {
        "form": form, "title": _("登记等保测评"), "back": "security:assessments", "back_label": _("等保与密评")}, status=form_status(request, form))


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_visible(user=request.user, pk=pk)
    can_edit = may_manage_assessment(request.user, assessment.scenario)
    form = AssessmentForm(request.POST or None, initial={
        f: getattr(assessment, f) for f in services.assessments.ASSESSMENT_FIELDS}) if can_edit else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.assessment_save(actor=request.user, scenario=assessment.scenario, **form.cleaned_data)
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("测评信息已保存。"))
                return redirect("security:assessment", pk=assessment.pk)
    return render(request, "security/assessment_detail.html", {
        "a": assessment, "form": form, "agreements": assessment.scenario.agreements.order_by("expires_on"),
        "badge": _due_badge(assessment.next_due_on),
        "crypto_badge": _due_badge(assessment.crypto_next_due_on) if assessment.crypto_required else {}},
        status=form_status(request, form))


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    context = filtered_page(request, AgreementFilter, selectors.agreement_list(user=request.user).order_by(
        "expires_on", "id"))
    rows = [{"a": a, "badge": _due_badge(a.expires_on)} for a in context["page"]]
    return render(request, "security/agreement_list.html", {**context, "rows": rows,
                                                            "can_create": is_security_officer(request.user)})


@login_required
def agreement_new(request: HttpRequest) -> HttpResponse:
    if not is_security_officer(request.user):
        raise PermissionDenied
    initial = {"scenario": request.GET.get("scenario")} if (request.GET.get("scenario") or "").isdigit() else {}
    form = NewAgreementForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            agreement = services.agreement_save(actor=request.user, **data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("保密协议已登记。"))
            return redirect("security:agreement", pk=agreement.pk)
    return render(request, "security/simple_form.html", {
        "form": form, "title": _("登记保密协议"), "back": "security:agreements", "back_label": _("保密协议")}, status=form_status(request, form))


@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_get_visible(user=request.user, pk=pk)
    can_edit = may_manage_assessment(request.user, agreement.scenario)
    form = AgreementForm(request.POST or None, initial={
        f: getattr(agreement, f) for f in services.assessments.AGREEMENT_FIELDS}) if can_edit else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.agreement_save(actor=request.user, agreement=agreement, **form.cleaned_data)
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("保密协议已保存。"))
                return redirect("security:agreement", pk=agreement.pk)
    return render(request, "security/agreement_detail.html", {"a": agreement, "form": form,
                                                              "badge": _due_badge(agreement.expires_on)},
                  status=form_status(request, form))


# --- Categories -------------------------------------------------------------------------------------------------

@login_required
def category_list(request: HttpRequest) -> HttpResponse:
    return render(request, "security/category_list.html", {
        "categories": selectors.categories(), "can_edit": may_correct_categories(request.user)})


@login_required
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not may_correct_categories(request.user):
        raise PermissionDenied
    category = IncidentCategory.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if category is None:
        from django.http import Http404

        raise Http404
    form = CategoryForm(request.POST or None, initial={"name": category.name, "description": category.description,
                                                       "is_active": category.is_active})
    if request.method == "POST" and form.is_valid():
        try:
            services.category_update(actor=request.user, category=category, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("分类已更新。"))
            return redirect("security:categories")
    return render(request, "security/simple_form.html", {
        "form": form, "title": _("修改事件分类 %(code)s") % {"code": category.code}, "back": "security:categories",
        "back_label": _("事件分类")}, status=form_status(request, form))
