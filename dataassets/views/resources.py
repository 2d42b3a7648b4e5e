"""Catalogue pages: the catalogue (list, search, filters, xlsx and JSON-LD export), registration, a resource with its
items, versions, objections and actions, the review queue of the data office."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shequyun.errors import Conflict
from shequyun.paging import paginate
from shequyun.workflow import outcome_message

from .. import exports, permissions, selectors, services
from ..filters import ResourceFilter
from ..forms import CommentForm, ImportForm, ItemForm, ReportUpdateForm, ResourceForm
from ..models import Item, ResourceStatus
from .common import errors_to_form, flash_failure, post_only, querystring


def nav_counts(user: Any) -> dict[str, int]:
    return {
        "review": permissions.resource_review_queryset(user).count() + permissions.sharing_review_queryset(user).count(),
        "objections": permissions.objection_queue_queryset(user).count(),
        "quality": permissions.quality_queue_queryset(user).count(),
    }


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    queryset = selectors.resource_list(user=request.user)
    filterset = ResourceFilter(request.GET, queryset=queryset)
    resources = filterset.qs if filterset.is_valid() else queryset.none()
    export = request.GET.get("export")
    if export == "xlsx":
        return exports.catalogue_xlsx(request=request, resources=resources[:50000])
    if export == "jsonld":
        return exports.dcat_response(request=request, resources=resources.filter(status=ResourceStatus.PUBLISHED)[:10000])
    page = paginate(request, resources, per_page=25)["page"]
    marks = selectors.open_objection_marks([r.pk for r in page.object_list])
    return render(request, "dataassets/catalogue.html", {
        "filter": filterset, "page": page, "querystring": querystring(request), "marks": marks,
        "can_register": permissions.may_register(request.user), "counts": nav_counts(request.user),
    })


@login_required
def resource_new(request: HttpRequest) -> HttpResponse:
    if not permissions.may_register(request.user):
        raise PermissionDenied
    initial = {"catalogue": "city" if request.user.region.level == "city" else "district", "grade": "general"}
    form = ResourceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            resource = services.resource_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已保存草稿。请登记信息项，然后提交审核。"))
            return redirect("dataassets:items", pk=resource.pk)
    return render(request, "dataassets/resource_form.html", {"form": form, "creating": True})


@login_required
def resource_edit(request: HttpRequest, pk: int) -> HttpResponse:
    resource = selectors.resource_get(user=request.user, pk=pk)
    if not permissions.may_edit_resource(request.user, resource):
        raise PermissionDenied
    initial = {f: getattr(resource, f) for f in services.RESOURCE_FIELDS}
    form = ResourceForm(request.POST or None, initial=initial)
    if resource.is_revision:
        form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.resource_update(actor=request.user, resource=resource, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        except Conflict as exc:
            flash_failure(request, exc)
            return redirect("dataassets:detail", pk=resource.pk)
        else:
            messages.success(request, _("已保存。"))
            return redirect("dataassets:detail", pk=resource.pk)
    return render(request, "dataassets/resource_form.html", {"form": form, "resource": resource})


def detail_context(request: HttpRequest, resource: Any) -> dict[str, Any]:
    user = request.user
    actions = services.RESOURCE_WORKFLOW.available_actions(resource, user)
    items_visible = permissions.may_view_items(user, resource)
    objections = paginate(request, selectors.objection_list(user=user).filter(resource=resource).order_by(
        "-received_on", "-pk"), per_page=20, param="objection_page")
    return {
        "resource": resource, "actions": actions, "comment_form": CommentForm(),
        "items": Item.objects.filter(resource=resource).order_by("position", "id") if items_visible else None,
        "items_visible": items_visible,
        "history": selectors.resource_history(resource),
        "versions": selectors.resource_versions(resource.revision_of or resource),
        "missing": services.resource_missing(resource) if resource.status == ResourceStatus.DRAFT else {},
        "duplicates": selectors.duplicate_sources(resource=resource, user=user),
        "marked": resource.pk in selectors.open_objection_marks([resource.pk]),
        "objections": objections["page"].object_list, "objection_paging": objections,
        "can_edit": resource.status == ResourceStatus.DRAFT and permissions.may_edit_resource(user, resource),
        "can_revise": (resource.status == ResourceStatus.PUBLISHED and not resource.is_revision
                       and permissions.may_edit_resource(user, resource)),
        "open_revision": resource.revisions.filter(status__in=[ResourceStatus.DRAFT, ResourceStatus.SUBMITTED]).first()
        if not resource.is_revision else None,
        "can_object": permissions.may_file_objection(user, resource),
        "can_request": permissions.may_request_sharing(user, resource),
        "update_form": ReportUpdateForm(),
    }


@login_required
def resource_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resource = selectors.resource_get(user=request.user, pk=pk)
    return render(request, "dataassets/detail.html", detail_context(request, resource))


@post_only
def resource_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    resource = selectors.resource_get(user=request.user, pk=pk)
    form = CommentForm(request.POST)
    comment = form.cleaned_data.get("comment", "") if form.is_valid() else ""
    from_queue = request.POST.get("from") == "review"
    try:
        result = services.resource_transition(actor=request.user, resource=resource, action=action.replace("-", "_"),
                                              comment=comment)
    except (Conflict, ValidationError) as exc:
        flash_failure(request, exc)
        return redirect("dataassets:detail", pk=resource.pk)
    messages.success(request, outcome_message(services.RESOURCE_WORKFLOW, result, action.replace("-", "_"),
                                              actor=request.user))
    if from_queue:
        return redirect("dataassets:review")
    return redirect("dataassets:detail", pk=result.revision_of_id if result.status == ResourceStatus.MERGED else result.pk)


@post_only
def resource_revise(request: HttpRequest, pk: int) -> HttpResponse:
    resource = selectors.resource_get(user=request.user, pk=pk)
    try:
        revision = services.resource_revise(actor=request.user, resource=resource)
    except Conflict as exc:
        flash_failure(request, exc)
        return redirect("dataassets:detail", pk=resource.pk)
    messages.success(request, _("已创建变更草稿。修改后提交审核；审核通过前目录中仍显示原内容。"))
    return redirect("dataassets:detail", pk=revision.pk)


@post_only
def resource_report_update(request: HttpRequest, pk: int) -> HttpResponse:
    resource = selectors.resource_get(user=request.user, pk=pk)
    form = ReportUpdateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的日期。"))
        return redirect("dataassets:detail", pk=resource.pk)
    try:
        services.resource_report_update(actor=request.user, resource=resource,
                                        updated_on=form.cleaned_data.get("updated_on"))
    except (Conflict, ValidationError) as exc:
        flash_failure(request, exc)
    else:
        messages.success(request, _("已记录数据更新。"))
    return redirect("dataassets:detail", pk=resource.pk)


@login_required
def resource_items(request: HttpRequest, pk: int) -> HttpResponse:
    """Items of a draft: add one, or import many with a row-by-row report."""
    resource = selectors.resource_get(user=request.user, pk=pk)
    if not permissions.may_edit_resource(request.user, resource):
        raise PermissionDenied
    item_form = ItemForm(request.POST if request.POST.get("form") == "item" else None, prefix="item")
    import_form = ImportForm(request.POST if request.POST.get("form") == "import" else None,
                             request.FILES if request.POST.get("form") == "import" else None)
    report = None
    if request.method == "POST" and request.POST.get("form") == "item" and item_form.is_valid():
        try:
            services.item_add(actor=request.user, resource=resource, **item_form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(item_form, exc)
        except Conflict as exc:
            flash_failure(request, exc)
            return redirect("dataassets:detail", pk=resource.pk)
        else:
            messages.success(request, _("已添加信息项。"))
            return redirect("dataassets:items", pk=resource.pk)
    if request.method == "POST" and request.POST.get("form") == "import" and import_form.is_valid():
        content = import_form.cleaned_data["file"].read()
        commit = import_form.cleaned_data["commit"]
        try:
            report = services.items_import(actor=request.user, resource=resource, content=content, commit=False)
            if commit and report.ok:
                report = services.items_import(actor=request.user, resource=resource, content=content, commit=True)
                messages.success(request, _("已导入 %(n)d 个信息项。") % {"n": len(report.items)})
                return redirect("dataassets:items", pk=resource.pk)
        except ValidationError as exc:
            errors_to_form(import_form, exc)
        except Conflict as exc:
            flash_failure(request, exc)
            return redirect("dataassets:detail", pk=resource.pk)
    return render(request, "dataassets/items.html", {
        "resource": resource, "items": Item.objects.filter(resource=resource).order_by("position", "id"),
        "item_form": item_form, "import_form": import_form, "report": report,
        "editable": resource.status == ResourceStatus.DRAFT,
    })


@post_only
def item_delete(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    resource = selectors.resource_get(user=request.user, pk=pk)
    item = Item.objects.filter(resource=resource, pk=item_id).first()
    if item is not None:
        try:
            services.item_delete(actor=request.user, item=item)
        except Conflict as exc:
            flash_failure(request, exc)
        else:
            messages.success(request, _("已删除信息项。"))
    return redirect("dataassets:items", pk=resource.pk)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """What waits on the data office: submitted entries (with 一数一源 flags) and sharing requests, oldest first."""
    resource_paging = paginate(request, permissions.resource_review_queryset(request.user).select_related(
        "region", "provider", "revision_of").order_by("submitted_at", "pk"), per_page=25)
    rows = [{"resource": r, "duplicates": selectors.duplicate_sources(resource=r, user=request.user)}
            for r in resource_paging["page"].object_list]
    sharing_paging = paginate(request, permissions.sharing_review_queryset(request.user).select_related(
        "resource", "requester_org", "scenario").order_by("created_at", "pk"), per_page=25, param="sharing_page")
    return render(request, "dataassets/review.html", {
        "rows": rows, "sharing": sharing_paging["page"].object_list, "resource_paging": resource_paging,
        "sharing_paging": sharing_paging, "counts": nav_counts(request.user)})
