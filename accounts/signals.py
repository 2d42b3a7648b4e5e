"""Account anomaly detection on sign-in events (DESIGN §3): failure bursts, odd hours and lockouts are flagged
to the account's admin. Connected in AccountsConfig.ready()."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from shequyun.audit import AuditEventType, record_event
from shequyun.models import AuditEvent

from .models import AnomalyKind, User


@receiver(user_login_failed, dispatch_uid="accounts_failure_burst")
def flag_failure_burst(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    account = User.objects.filter(username=username).first()
    if account is None:
        return
    now = timezone.now()
    failures = AuditEvent.objects.filter(
        event_type=AuditEventType.SIGN_IN_FAILED, actor_username=username, created_at__gte=now - timedelta(hours=1)
    ).count()
    if failures >= settings.FAILED_SIGN_IN_BURST:
        from .services.accounts import anomaly_flag

        anomaly_flag(
            account=account, kind=AnomalyKind.FAILED_BURST,
            description=f"过去一小时内登录失败 {failures} 次。",
            dedupe_key=f"burst:{timezone.localtime(now):%Y%m%d%H}",
        )


@receiver(user_logged_in, dispatch_uid="accounts_odd_hours")
def flag_odd_hours(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    local = timezone.localtime()
    start, end = settings.WORKING_HOURS
    if start <= local.hour < end:
        return
    from .services.accounts import anomaly_flag

    anomaly_flag(
        account=user, kind=AnomalyKind.ODD_HOURS,
        description=f"于 {local:%Y-%m-%d %H:%M} 在非工作时间登录。",
        dedupe_key=f"odd:{local:%Y%m%d}",
    )


@receiver(user_locked_out, dispatch_uid="accounts_locked_out")
def flag_lockout(sender: Any, request: Any = None, username: str | None = None, ip_address: str | None = None,
                 **kwargs: Any) -> None:
    account = User.objects.filter(username=username or "").first()
    record_event(AuditEventType.LOCKED_OUT, username=username or "", target=account, request=request,
                 ip=ip_address or "")
    if account is not None:
        from .services.accounts import anomaly_flag

        anomaly_flag(
            account=account, kind=AnomalyKind.LOCKED_OUT,
            description=f"连续登录失败，账号已被锁定 {int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)} 分钟。",
            dedupe_key=f"locked:{timezone.localtime():%Y%m%d%H%M}",
        )
