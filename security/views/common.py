"""Helpers shared by the security pages: errors onto forms, list pages with one FilterSet, plain 409 messages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from shequyun.http import errors_to_form, post_only  # noqa: F401 (the app's views import them from here)
from shequyun.paging import paginate


def flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, "；".join(m for ms in exc.message_dict.values() for m in ms))


def conflict_message(request: HttpRequest, message: str) -> None:
    messages.error(request, _("操作未执行：%(m)s 可能已有其他人处理了该事项，页面已刷新。") % {"m": message})


def filtered_page(request: HttpRequest, filterset_class: Any, queryset: Any, per_page: int = 25) -> dict[str, Any]:
    """The same FilterSet as the API; invalid filter values show their message and list nothing."""
    filterset = filterset_class(request.GET, queryset=queryset, request=request)
    rows = filterset.qs if filterset.is_valid() else queryset.none()
    page = paginate(request, rows, per_page=per_page)["page"]
    params = request.GET.copy()
    params.pop("page", None)
    return {"filter": filterset, "page": page, "querystring": params.urlencode()}




def form_status(request: HttpRequest, form: Any = None, *more: Any) -> int:
    """400 when a submitted form comes back with errors (bad input), 200 otherwise."""
    if request.method != "POST":
        return 200
    forms = [f for f in (form, *more) if f is not None]
    return 400 if any(f.errors or getattr(f, "non_form_errors", lambda: [])() for f in forms) else 200
