"""Helpers of the content pages."""

from __future__ import annotations

from django.http import HttpRequest

from shequyun.files import file_response  # noqa: F401
from shequyun.http import errors_to_form, post_only  # noqa: F401 (the app's views import them from here)


def querystring(request: HttpRequest, drop: tuple[str, ...] = ("page",)) -> str:
    params = request.GET.copy()
    for key in drop:
        params.pop(key, None)
    return params.urlencode()

