"""Where to go next, written once: every ``next`` parameter (query string or form) goes through :func:`safe_next`,
so the portal never redirects to another host (``//evil.example``, ``https://…``, ``\\\\evil``, ``javascript:``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str = "home") -> str:
    """The ``next`` of the POST body or the query string when it stays on this host, else ``default`` (a URL name
    or path)."""
    for candidate in (request.POST.get("next"), request.GET.get("next")):
        if candidate and url_has_allowed_host_and_scheme(
                candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            return candidate
    return resolve_url(default)


def redirect_next(request: HttpRequest, default: str = "home") -> HttpResponseRedirect:
    return redirect(safe_next(request, default))
