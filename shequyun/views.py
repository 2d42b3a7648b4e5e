"""Portal-wide pages: health, error pages, and the landing pages of the modules."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import AuditEventType, record_event
from .models import ServiceHeartbeat


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: the database answers; the worker's last heartbeat is reported."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    beat = ServiceHeartbeat.objects.filter(name="worker").first()
    worker_ok = beat is not None and beat.last_seen > timezone.now() - timedelta(minutes=15)
    return JsonResponse(
        {"database": "ok", "worker": "ok" if worker_ok else "unknown",
         "worker_last_seen": beat.last_seen.isoformat() if beat else None}
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 for a request Django itself refuses (a malformed upload, too many fields): JSON under /api/."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("请求格式有误。")}, status=400)
    return render(request, "400.html", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: JSON under /api/ (with the request id when there is one); the portal's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("服务器内部错误，请稍后再试或联系运维人员。")}, status=500)
    return render(request, "500.html", status=500)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 for every URL that matches nothing: JSON under /api/ (as the OpenAPI says), the portal's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("未找到。")}, status=404)
    return render(request, "404.html", status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        record_event(AuditEventType.PERMISSION_DENIED, actor=request.user, request=request,
                     path=request.path, method=request.method)
    return render(request, "403.html", status=403)


@login_required
def module_index(request: HttpRequest, module: str) -> HttpResponse:
    return render(request, "module_index.html", {"module": module})
