"""Small helpers of the data-assets pages (no rules here: those live in permissions.py and the services)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shequyun.errors import Conflict


def post_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """Signed in, POST only; the URL walk of tests/scope.py reads ``allowed_methods``."""
    wrapped = login_required(require_POST(view))
    wrapped.allowed_methods = ("POST",)  # type: ignore[attr-defined]
    return wrapped


def errors_to_form(form: Any, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def flash_failure(request: HttpRequest, exc: Exception) -> None:
    if isinstance(exc, Conflict):
        messages.error(request, _("操作未执行：%(m)s 可能已有其他人处理了该事项，页面已刷新。") % {"m": exc.message})
    elif isinstance(exc, ValidationError):
        messages.error(request, "；".join(m for ms in exc.message_dict.values() for m in ms)
                       if hasattr(exc, "error_dict") else "；".join(exc.messages))


def querystring(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("export", None)
    return params.urlencode()
