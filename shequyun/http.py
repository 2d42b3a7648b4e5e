"""Small pieces every app's HTML views share, written once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.views.decorators.http import require_POST


def post_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """A signed-in POST action. Says so on the view (``allowed_methods``), so the URL walks of the test suite know
    the page's methods."""
    wrapped = login_required(require_POST(view))
    wrapped.allowed_methods = ("POST",)  # type: ignore[attr-defined]
    return wrapped


def errors_to_form(form: Any, exc: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """Put a service's field errors on the form: every field at once (unknown fields become form-level errors;
    ``aliases`` maps a service's field name to the form's)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        name = (aliases or {}).get(field, field)
        form.add_error(name if name in form.fields else None, errors)
