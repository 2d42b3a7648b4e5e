"""Sign-in defences beside django-axes (DESIGN §3).

django-axes locks an *account* after ``AXES_FAILURE_LIMIT`` failures (``AXES_LOCKOUT_PARAMETERS = ["username"]``):
a street office shares one address behind NAT, so locking by address would lock out the whole office because of
one person. Per address there is only a password-spraying defence: :class:`SprayGuardBackend` refuses sign-ins
from an address that failed against ``SPRAY_DISTINCT_USERNAMES`` different accounts within the cool-off time.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from shequyun.audit import AuditEventType, client_ip


def spraying(ip: str | None) -> bool:
    if not ip:
        return False
    from shequyun.models import AuditEvent

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    distinct = (AuditEvent.objects.filter(event_type=AuditEventType.SIGN_IN_FAILED, ip_address=ip, created_at__gte=since)
                .values("actor_username").distinct().count())
    return distinct >= settings.SPRAY_DISTINCT_USERNAMES


class SprayGuardBackend:
    """First in AUTHENTICATION_BACKENDS: an address that is spraying passwords gets no further (the answer looks
    like a wrong password; Django records the failure). It never signs anyone in, so it has no ``get_user``."""

    def authenticate(self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any) -> None:
        if request is not None and spraying(client_ip(request)):
            raise PermissionDenied("password spraying from this address")
