"""Training materials (000 Art. 17): the list with read marks, publishing, the material with its read receipt, and
for operations offices the coverage of their subtree with a reminder to non-readers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shequyun.paging import paginate

from .. import permissions, selectors, services
from ..filters import TrainingFilter
from ..forms import TrainingForm
from .common import errors_to_form, file_response, post_only, querystring


@login_required
def training_list(request: HttpRequest) -> HttpResponse:
    filterset = TrainingFilter(request.GET, queryset=selectors.training_list(user=request.user))
    queryset = filterset.qs if filterset.is_valid() else selectors.training_list(user=request.user).none()
    page = paginate(request, queryset, per_page=25)["page"]
    return render(request, "content/training_list.html", {
        "filter": filterset, "page": page, "querystring": querystring(request),
        "can_publish": permissions.may_publish_training(request.user)})


@login_required
def training_new(request: HttpRequest) -> HttpResponse:
    if not permissions.may_publish_training(request.user):
        raise PermissionDenied
    form = TrainingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        values.pop("files", None)
        try:
            material = services.material_create(actor=request.user, files=request.FILES.getlist("files"), **values)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("培训教材已发布。"))
            return redirect("content:training_detail", pk=material.pk)
    return render(request, "content/training_form.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    material = selectors.training_get(user=request.user, pk=pk)
    coverage = None
    if permissions.may_see_coverage(request.user, material):
        coverage = selectors.training_coverage(user=request.user, material=material)
        coverage["page"] = paginate(request, coverage["non_readers"], per_page=50)["page"]
    return render(request, "content/training_detail.html", {
        "material": material, "files": material.files.all(), "coverage": coverage})


@post_only
@login_required
def training_read(request: HttpRequest, pk: int) -> HttpResponse:
    material = selectors.training_get(user=request.user, pk=pk)
    services.material_mark_read(actor=request.user, material=material)
    messages.success(request, _("已标记为已读。"))
    return redirect("content:training_detail", pk=material.pk)


@post_only
@login_required
def training_remind(request: HttpRequest, pk: int) -> HttpResponse:
    material = selectors.training_get(user=request.user, pk=pk)
    try:
        count = services.material_remind(actor=request.user, material=material)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已提醒 %(n)d 位未读人员（同一天重复提醒不会重复发送）。") % {"n": count})
    return redirect("content:training_detail", pk=material.pk)


@login_required
def training_file(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.training_file_get(user=request.user, pk=pk)
    return file_response(row.file, filename=row.name, extension=row.extension, inline_image=row.media == "image")
