"""Input that no field can hold, refused once at the edge: a NUL character in a query parameter or a form field
(PostgreSQL text cannot store it, so it would otherwise surface as a database error deep inside a view)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _


class RejectNullCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        names = [name for name, values in request.GET.lists() if "\x00" in name or any("\x00" in v for v in values)]
        if request.method == "POST" and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            names += [name for name, values in request.POST.lists()
                      if "\x00" in name or any("\x00" in v for v in values)]
        if not names:
            return self.get_response(request)
        message = _("不能包含空字符（NUL）。")
        body = {name.replace("\x00", "") or "non_field_errors": [message] for name in names}
        if request.path.startswith("/api/"):
            return JsonResponse(body, status=400)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
