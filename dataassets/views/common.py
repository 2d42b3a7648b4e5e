"""Small helpers of the data-assets pages (no rules here: those live in permissions.py and the services)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from shequyun.errors import Conflict
from shequyun.http import errors_to_form, post_only  # noqa: F401 (the app's views import them from here)


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
