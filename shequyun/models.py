"""Cross-cutting records: the typed audit trail of events that are not model changes, and service heartbeats."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .crypto import EncryptedTextField
from .scoping import scoped_queryset
from .validators import sane_date


class AuditEventType(models.IntegerChoices):
    # 1xx: authentication
    SIGN_IN = 100, _("登录")
    SIGN_OUT = 101, _("退出")
    SIGN_IN_FAILED = 102, _("登录失败")
    LOCKED_OUT = 103, _("账号锁定")
    PASSWORD_CHANGED = 110, _("修改密码")
    PASSWORD_RESET = 111, _("密码重置")
    ACCOUNT_UNLOCKED = 112, _("账号解锁")
    ACCOUNT_CREATED = 120, _("账号开通")
    ACCOUNT_UPDATED = 121, _("修改账号")
    ACCOUNT_DISABLED = 122, _("停用账号")
    ACCOUNT_ENABLED = 123, _("启用账号")
    ROLES_ASSIGNED = 124, _("分配角色")
    ACCOUNTS_IMPORTED = 125, _("账号批量导入")
    ANOMALY_REPORTED = 130, _("账号异常")
    OTP_ENROLLED = 131, _("绑定身份验证器")
    # 15x: unified identity (统一身份认证, accounts/oidc.py)
    PLATFORM_SIGN_IN = 150, _("统一身份认证登录")
    PLATFORM_SIGN_IN_FAILED = 151, _("统一身份认证登录失败")
    PLATFORM_ID_UNKNOWN = 152, _("统一身份未关联账号")
    PLATFORM_ID_LINKED = 153, _("关联统一身份标识")
    PLATFORM_ID_UNLINKED = 154, _("解除统一身份标识关联")
    PLATFORM_SIGN_OUT = 155, _("退出统一身份认证平台")
    # 2xx: authorisation
    PERMISSION_DENIED = 200, _("越权访问被拒绝")
    GRANT_ADDED = 210, _("授予对象权限")
    GRANT_REMOVED = 211, _("收回对象权限")
    # 3xx: data leaving the system
    EXPORT = 300, _("导出")
    # 4xx: reference data
    REFERENCE_DATA_LOADED = 400, _("基础数据导入")
    CALENDAR_CHANGED = 401, _("工作日调整")
    DEADLINE_AFFECTED = 410, _("期限受日历调整影响")
    # 5xx: writes that django-auditlog's signals do not see (QuerySet.update, bulk_create, bulk_update)
    BULK_CHANGE = 500, _("批量变更")
    # 6xx: content
    CONTENT_SUBMIT_BLOCKED = 600, _("敏感词拦截提交")
    LEXICON_CHANGED = 601, _("敏感词库变更")
    REVIEW_CHAIN_CHANGED = 602, _("审核链配置变更")
    TRAINING_REMINDED = 603, _("培训提醒未读人员")
    # 7xx: security operations
    INCIDENT_REPORTED = 700, _("安全事件上报")
    INCIDENT_GRADED = 701, _("安全事件定级")
    INCIDENT_ESCALATED = 702, _("安全事件升级上报")
    INCIDENT_PLAN_ACTIVATED = 703, _("启动应急预案")
    INCIDENT_DISCONNECTION = 704, _("因安全事件断开或恢复接入")
    INCIDENT_CATEGORY_CORRECTED = 705, _("事件分类调整")
    # 8xx: data assets
    OBJECTION_ESCALATED = 800, _("数据异议超期上报")
    DATA_ITEMS_IMPORTED = 801, _("信息项批量导入")
    DATA_VERSION_PUBLISHED = 802, _("数据资源版本发布")


class AuditEvent(models.Model):
    """One security-relevant event. Field changes are in django-auditlog's LogEntry; this holds the rest.

    Rows are never updated or deleted by the application (only the retention task removes rows older than
    ``AUDITLOG_RETENTION_DAYS``).
    """

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    event_type = models.PositiveSmallIntegerField(_("事件"), choices=AuditEventType.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    actor_username = models.CharField(_("用户名"), max_length=150, blank=True)
    region_path = models.CharField(_("所属区域路径"), max_length=80, blank=True, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    target_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    target_repr = models.CharField(_("对象"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    extra = models.JSONField(_("详情"), default=dict, blank=True)

    objects = scoped_queryset("region_path").as_manager()

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_event_type_display()} {self.actor_username} {self.created_at:%Y-%m-%d %H:%M}"


class ServiceHeartbeat(models.Model):
    """Last time a background service proved it was alive (shown on the health page)."""

    name = models.CharField(max_length=50, unique=True)
    last_seen = models.DateTimeField()

    class Meta:
        verbose_name = _("服务心跳")
        verbose_name_plural = _("服务心跳")

    def __str__(self) -> str:
        return self.name


class WorkdayOverride(models.Model):
    """A day entered by an administrator from the State Council's 放假安排 (holiday or make-up workday).

    Any row for a year makes that year "announced": its other days follow Monday–Friday, no longer provisional.
    Rows also override the shipped calendar for covered years (corrections)."""

    date = models.DateField(_("日期"), unique=True, validators=[sane_date])
    is_workday = models.BooleanField(_("是否工作日"))
    note = models.CharField(_("说明"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'班' if self.is_workday else '休'}"


class StagedImport(models.Model):
    """Rows of an uploaded spreadsheet between the validation report and the commit (shequyun/staging.py).

    The rows may hold personal data, so they are encrypted (the same SM4-GCM as personal fields), belong to the
    person who uploaded them, expire after an hour and are deleted on commit, on cancel and by a periodic task."""

    token = models.CharField(max_length=32, unique=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    payload = EncryptedTextField()
    row_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("待确认的导入")
        verbose_name_plural = _("待确认的导入")

    def __str__(self) -> str:
        return f"{self.kind} {self.row_count}"
