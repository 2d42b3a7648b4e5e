from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shequyun.validators import DOCUMENT, bounded


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):  # type: ignore[no-untyped-def]
        """A user's own inbox. (Notifications belong to a person, not a region: scoping is by recipient.)"""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self):  # type: ignore[no-untyped-def]
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.PROTECT, related_name="notifications"
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True, **bounded(DOCUMENT))
    url = models.CharField(_("链接"), max_length=500, blank=True)
    target_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    target_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    # Reminders pass a key such as "password-expiry:7:2026-11-23": the same key never notifies a person twice,
    # which makes every reminder task safe to run twice.
    dedupe_key = models.CharField(_("去重键"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], condition=~Q(dedupe_key=""), name="notification_once_per_key"
            ),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_inbox"),
                   models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox_order")]

    def __str__(self) -> str:
        return self.title
