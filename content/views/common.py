"""Helpers of the content pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest

from ..media import MIME


def post_only(view: Any) -> Any:
    """``require_POST`` that also says so on the view (``allowed_methods``), so URL walkers know the page's methods."""
    from django.views.decorators.http import require_POST

    wrapped = require_POST(view)
    wrapped.allowed_methods = ["POST"]  # type: ignore[attr-defined]
    return wrapped


def errors_to_form(form: Any, exc: ValidationError) -> None:
    """Put a service's field errors on the form (unknown fields become form-level errors)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def querystring(request: HttpRequest, drop: tuple[str, ...] = ("page",)) -> str:
    params = request.GET.copy()
    for key in drop:
        params.pop(key, None)
    return params.urlencode()


def file_response(field: Any, extension: str, name: str, *, inline: bool = False) -> FileResponse:
    """A stored file, with the sniffed type and nosniff; as an attachment unless it is a re-encoded picture."""
    from urllib.parse import quote

    response = FileResponse(field.open("rb"), content_type=MIME.get(extension, "application/octet-stream"))
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
