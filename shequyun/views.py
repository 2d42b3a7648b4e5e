"""Portal-wide pages: health, error pages, and the landing pages of the modules."""

from __future__ import annotations

import logging
import sys
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import AuditEventType, record_event
from .models import ServiceHeartbeat

logger = logging.getLogger(__name__)


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process is up and answers. Touches nothing else (a database outage must not get every web
    process restarted by its supervisor); readiness is :func:`readyz`."""
    return JsonResponse({"status": "ok"})


def _check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, connection.vendor
    except DatabaseError as exc:
        return False, type(exc).__name__


def _check_broker() -> tuple[bool, str]:
    from .celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, timeout=2)
            return True, str(conn.transport.driver_type)
    except Exception as exc:  # noqa: BLE001 — any failure means "not ready"
        return False, type(exc).__name__


def _heartbeat_age(name: str) -> float | None:
    try:
        beat = ServiceHeartbeat.objects.filter(name=name).only("last_seen").first()
    except DatabaseError:
        return None
    return None if beat is None else (timezone.now() - beat.last_seen).total_seconds()


def _check_heartbeat(name: str, max_age: timedelta) -> tuple[bool, str]:
    age = _heartbeat_age(name)
    if age is None:
        return False, "never seen"
    return age <= max_age.total_seconds(), f"{int(age)} s ago"


def _check_calendar() -> tuple[bool, str]:
    from .workdays import calendar_health

    try:
        warnings = calendar_health()
    except DatabaseError as exc:
        return False, type(exc).__name__
    return not warnings, "; ".join(warnings) or "covered"


def _check_backup() -> tuple[bool, str]:
    return _check_heartbeat("backup", timedelta(hours=settings.BACKUP_MAX_AGE_HOURS))


def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness for the load balancer and monitoring: database, broker, file storage, beat heartbeat, working-day
    calendar coverage (plus worker and last backup, for monitoring). A failed check named in ``READYZ_CRITICAL``
    (default: database, broker, storage) answers 503 — take the node out of rotation; the others answer 200 with
    ``"status": "degraded"`` — alert an operator, but keep serving."""
    from .storage import storage_check

    checks = {
        "database": _check_database(),
        "broker": _check_broker(),
        "storage": storage_check(),
        "beat": _check_heartbeat("beat", timedelta(minutes=settings.BEAT_HEARTBEAT_MAX_AGE_MINUTES)),
        "worker": _check_heartbeat("worker", timedelta(minutes=max(settings.BEAT_HEARTBEAT_MAX_AGE_MINUTES, 15))),
        "calendar": _check_calendar(),
        "backup": _check_backup(),
    }
    failed = [name for name, (ok, _detail) in checks.items() if not ok]
    critical = [name for name in failed if name in settings.READYZ_CRITICAL]
    status = "unavailable" if critical else "degraded" if failed else "ready"
    response = JsonResponse(
        {"status": status, "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()}},
        status=503 if critical else 200,
    )
    response["Cache-Control"] = "no-store"
    if critical:
        response["Retry-After"] = "10"
    return response


DATABASE_UNAVAILABLE_HTML = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>服务暂时不可用</title>
</head><body><main><h1>服务暂时不可用 · Service temporarily unavailable</h1>
<p>数据库正在重启或切换，请稍后刷新页面。您尚未保存的操作没有生效，请重新提交。</p>
<p>The database is restarting. Please reload in a few seconds; an unsaved action did not take effect.</p>
</main></body></html>"""


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a lost database connection is a 503 with Retry-After (the request is retried or resent), never a
    500 page; anything else is a 500 (JSON under /api/). Renders nothing that needs the database."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        logger.warning("database unavailable: %s", error)
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": "数据库暂时不可用，请稍后重试。"}, status=503)
        else:
            response = HttpResponse(DATABASE_UNAVAILABLE_HTML, status=503)
        response["Retry-After"] = "5"
        response.database_unavailable = True  # type: ignore[attr-defined]
        return response
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("服务器内部错误，请稍后再试或联系运维人员。")}, status=500)
    return HttpResponse(loader.get_template("500.html").render(), status=500)  # no context processors, no database


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 for a request Django itself refuses (a malformed upload, too many fields): JSON under /api/."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("请求格式有误。")}, status=400)
    return render(request, "400.html", status=400)


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
