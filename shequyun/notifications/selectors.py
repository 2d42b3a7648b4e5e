"""Reads of the inbox: the home page's 未读消息 row (shequyun/home.py)."""

from __future__ import annotations

from typing import Any

from .models import Notification


def home_queues(*, user: Any) -> list[Any]:
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from shequyun.home import build_queue

    def unread(u: Any, notification: Any) -> bool:
        return notification.recipient_id == u.pk and notification.read_at is None

    return [build_queue(key="notifications-unread", label=_("未读消息"), url=reverse("notifications:inbox") + "?unread=1",
                        queryset=Notification.objects.for_user(user).unread(), check=unread,
                        order=("-created_at", "-id"), rank=1, title=lambda n: n.title,
                        item_url=lambda n: n.url or reverse("notifications:inbox") + "?unread=1")]
