from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict:
    """Who runs the portal and how to reach support (every page shows it), and the reader's font scale."""
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        from .notifications.models import Notification

        font_scale = user.font_scale
        unread = Notification.objects.for_user(user).unread().count()
    else:
        font_scale = request.session.get("font_scale", 100) if hasattr(request, "session") else 100
    return {
        "PORTAL_OPERATOR": settings.PORTAL_OPERATOR,
        "PORTAL_SUPPORT_PHONE": settings.PORTAL_SUPPORT_PHONE,
        "PORTAL_SUPPORT_EMAIL": settings.PORTAL_SUPPORT_EMAIL,
        "font_scale": font_scale if font_scale in (100, 125, 150) else 100,
        "unread_notifications": unread,
    }
