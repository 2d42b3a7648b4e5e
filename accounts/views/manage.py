"""Browser pages for account administration, password change, anomaly reports and the audit trail.
Thin: every write is one call into accounts/services/accounts.py or accounts/services/imports.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shequyun import staging
from shequyun.crypto import mask
from shequyun.errors import Conflict
from shequyun.exports import xlsx_response
from shequyun.http import errors_to_form, post_only
from shequyun.paging import paginate

from ..filters import UserFilter
from ..forms import AccountForm, AnomalyReportForm, ImportForm, PasswordChangeForm, ReasonForm, RolesForm
from ..models import AccountAnomaly, AnomalyEvent, AnomalyStatus, Organisation, Region, RegionLevel, User
from ..permissions import AccountAction, can_manage_account, has_role, managed_by
from ..roles import Role
from ..services import accounts as svc
from ..services.imports import ImportReport, import_commit, import_validate, parse_spreadsheet
from .account_form import create_account, import_done_page
from .audit import audit_trail_page


def _manageable_regions(user: User) -> list[Region]:
    """Regions where the admin may open some account: their own, and the ones directly below."""
    if user.is_superuser:
        return list(Region.objects.filter(depth__lte=1).order_by("code"))
    if not has_role(user, Role.ACCOUNT_ADMIN) or user.region is None or user.region.level == RegionLevel.VILLAGE:
        return []
    return [user.region, *Region.objects.filter(parent=user.region).order_by("code")]


def _managed_user(request: HttpRequest, pk: int) -> User:
    """A visible account (404 otherwise); the services decide whether it may be changed (403)."""
    user = User.objects.visible_to(request.user).filter(pk=pk).prefetch_related("groups").first()
    if user is None:
        raise Http404
    return user


def _can_manage(request: HttpRequest, user: User, action: str = AccountAction.EDIT) -> bool:
    return can_manage_account(request.user, region=user.region, is_admin=Role.ACCOUNT_ADMIN.value in user.role_slugs,
                              action=action)


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    if not _manageable_regions(request.user):
        raise PermissionDenied
    base = (User.objects.visible_to(request.user).filter(managed_by(request.user))
            .select_related("region", "organisation").prefetch_related("groups").order_by("region__code", "username"))
    filterset = UserFilter(request.GET or None, queryset=base, request=request)
    queryset = filterset.qs
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            request=request, filename="账号清单.xlsx", title="账号清单",
            headers=["用户名", "姓名", "区域", "组织", "角色", "手机号", "身份证号", "状态"],
            rows=([u.username, u.full_name, u.region.name, u.organisation.name if u.organisation else "",
                   "、".join(str(Role(r).label) for r in u.role_slugs), mask(u.phone), mask(u.id_number),
                   "启用" if u.is_active else "停用"] for u in queryset[:20000]),
        )
    paging = paginate(request, queryset)
    locked = svc.locked_usernames(u.username for u in paging["page"].object_list)
    return render(request, "accounts/manage/list.html", {
        **paging, "locked": locked, "form": filterset.form, "regions": _manageable_regions(request.user),
        "open_anomalies": AccountAnomaly.objects.visible_to(request.user).filter(
            status=AnomalyStatus.OPEN).filter(account__in=User.objects.filter(managed_by(request.user))).count(),
    })


@login_required
def account_create(request: HttpRequest) -> HttpResponse:
    regions = _manageable_regions(request.user)
    if not regions:
        raise PermissionDenied
    organisations = Organisation.objects.filter(region__in=regions).select_related("region").order_by("region__code", "name")
    form = AccountForm(request.POST or None, regions=regions, organisations=organisations)
    if request.method == "POST":
        created = create_account(actor=request.user, form=form)  # every problem in one round (account_form.py)
        if created is not None:
            user, initial = created
            return render(request, "accounts/manage/created.html", {"account": user, "initial_password": initial})
    return render(request, "accounts/manage/form.html", {"form": form, "creating": True})


@login_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _managed_user(request, pk)
    can_manage = _can_manage(request, user)
    form = AccountForm(
        request.POST or None, editing=True,
        organisations=Organisation.objects.filter(region=user.region),
        initial={"full_name": user.full_name, "organisation": user.organisation, "email": user.email,
                 "masked_phone": mask(user.phone), "masked_id_number": mask(user.id_number),
                 "platform_id": user.platform_id or ""},
    )
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                svc.user_update(actor=request.user, user=user, full_name=data["full_name"], email=data["email"],
                                phone=data["phone"] or ("" if data.get("clear_phone") else None),
                                id_number=data["id_number"] or ("" if data.get("clear_id_number") else None),
                                organisation=data["organisation"] or None, platform_id=data["platform_id"])
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("账号信息已保存。"))
                return redirect("accounts:manage_detail", pk=user.pk)
    return render(request, "accounts/manage/detail.html", {
        "account": user, "form": form, "can_manage": can_manage, "roles_form": RolesForm(initial={"roles": user.role_slugs}),
        "reason_form": ReasonForm(), "locked": svc.user_is_locked(user),
        "masked_phone": mask(user.phone), "masked_id": mask(user.id_number),
        "anomalies": AccountAnomaly.objects.filter(account=user).select_related("reported_by")[:10],
    })


@post_only
def account_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = _managed_user(request, pk)
    try:
        if action == "disable":
            form = ReasonForm(request.POST)
            form.is_valid()
            svc.user_disable(actor=request.user, user=user, reason=form.cleaned_data.get("reason", ""))
            messages.success(request, _("账号已停用，其登录会话和接口令牌立即失效。"))
        elif action == "enable":
            svc.user_enable(actor=request.user, user=user)
            messages.success(request, _("账号已启用。"))
        elif action == "reset-password":
            password = svc.user_reset_password(actor=request.user, user=user)
            return render(request, "accounts/manage/created.html", {"account": user, "initial_password": password,
                                                                    "reset": True})
        elif action == "unlock":
            svc.user_unlock(actor=request.user, user=user)
            messages.success(request, _("账号已解除锁定。"))
        elif action == "roles":
            form = RolesForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("请至少选择一个有效角色。"))
            else:
                svc.user_assign_roles(actor=request.user, user=user, roles=form.cleaned_data["roles"])
                messages.success(request, _("角色已更新。"))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, "；".join(m for ms in exc.message_dict.values() for m in ms))
    return redirect("accounts:manage_detail", pk=user.pk)


IMPORT_KIND = "accounts"


@login_required
def account_import(request: HttpRequest) -> HttpResponse:
    """Step 1: upload → row-by-row report (nothing saved). Step 2: commit all rows or none."""
    if not _manageable_regions(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    report: ImportReport | None = None
    token = ""
    if request.method == "POST" and request.POST.get("cancel"):
        staging.discard(owner=request.user, kind=IMPORT_KIND, token=request.POST.get("token", ""))
        messages.info(request, _("已取消本次导入。"))
        return redirect("accounts:manage_import")
    if request.method == "POST" and request.POST.get("token"):
        token = request.POST["token"]
        try:
            rows = staging.take(owner=request.user, kind=IMPORT_KIND, token=token)
            credentials = import_commit(actor=request.user, rows=rows)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("accounts:manage_import")
        staging.discard(owner=request.user, kind=IMPORT_KIND, token=token)
        return import_done_page(request, credentials)  # the result and the way on (account_form.py)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = parse_spreadsheet(name=upload.name, content=upload.read())
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            report = import_validate(actor=request.user, rows=rows)
            if report.ok:
                token = staging.stage(owner=request.user, kind=IMPORT_KIND, rows=rows)
    return render(request, "accounts/manage/import.html", {"form": form, "report": report, "token": token})


@login_required
def anomaly_list(request: HttpRequest) -> HttpResponse:
    """The anomalies of the accounts the user manages; each with the buttons its state allows (from the anomaly
    table) and its history (every resolution and reopening)."""
    queryset = (AccountAnomaly.objects.visible_to(request.user)
                .filter(account__in=User.objects.filter(managed_by(request.user)))
                .select_related("account", "account__region", "reported_by")
                .prefetch_related("account__groups", Prefetch("events", AnomalyEvent.objects.select_related("actor")))
                .order_by("status", "-created_at"))
    if request.method == "POST":
        anomaly = queryset.filter(pk=request.POST.get("anomaly", "0") if request.POST.get("anomaly", "").isdigit() else 0).first()
        if anomaly is None:
            raise Http404
        action = request.POST.get("action", "resolve")
        comment = request.POST.get("comment", request.POST.get("resolution", ""))
        try:
            svc.anomaly_transition(actor=request.user, anomaly=anomaly, action=action, comment=comment)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        except Conflict as exc:
            messages.error(request, _("操作未执行：%(m)s 可能已有其他人处理了该事项，页面已刷新。") % {"m": exc.message})
        else:
            messages.success(request, _("已标记为已处理。") if action == "resolve" else _("已重新打开。"))
        return redirect("accounts:anomalies")
    paging = paginate(request, queryset, per_page=25)
    page = paging["page"]
    page.object_list = list(page.object_list)
    for anomaly in page.object_list:
        anomaly.actions = svc.ANOMALY_WORKFLOW.available_actions(anomaly, request.user)
    return render(request, "accounts/manage/anomalies.html", {**paging, "page": page})


@login_required
def anomaly_report(request: HttpRequest) -> HttpResponse:
    form = AnomalyReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.anomaly_report(actor=request.user, description=form.cleaned_data["description"])
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已报告，您的账号管理员会尽快处理。"))
            return redirect("home")
    return render(request, "accounts/anomaly_report.html", {"form": form})


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.password_change(user=request.user, old_password=form.cleaned_data["old_password"],
                                new_password=form.cleaned_data["new_password"], request=request)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改。"))
            return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form, "rules": PasswordChangeForm.rules(),
                                                              "forced": request.user.must_change_password or request.user.password_expired})


def audit_trail(request: HttpRequest) -> HttpResponse:
    """The auditor's read-only view (三员分立): see accounts/audit_trail.py."""
    return audit_trail_page(request)
