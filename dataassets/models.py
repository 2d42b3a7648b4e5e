"""Data assets (002 Art. 22, 003 Ch. 3-4 and Art. 48): the public-data catalogue with its information items and
published versions, sharing requests, objections on working-day clocks, and quality issues.

Every model owned by a region reaches the owning region's path through ``scope_path_lookup`` (the resource's
region: the provider's region). The two catalogue rules are written once, in :mod:`dataassets.rules`, and called
from ``Resource.clean`` — the API and the browser both go through the service, which runs ``full_clean``.
"""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shequyun.scoping import ScopedQuerySet, scoped_queryset
from shequyun.validators import NOTE, SUMMARY, bounded, sane_date

from . import rules


class Catalogue(models.TextChoices):
    CITY = "city", _("全市公共数据资源目录")
    DISTRICT = "district", _("区补充目录")


class DataFormat(models.TextChoices):
    DATABASE = "database", _("数据库表")
    SPREADSHEET = "spreadsheet", _("电子表格")
    FILE = "file", _("文件")
    API = "api", _("接口")
    OTHER = "other", _("其他")


class CollectionMethod(models.TextChoices):  # 归集方式
    DB_SYNC = "db_sync", _("数据库对接")
    API_CALL = "api_call", _("接口调用")
    FILE_UPLOAD = "file_upload", _("文件上传")
    FRONT_END = "front_end", _("前置机交换")


class Frequency(models.TextChoices):  # 归集频率 / 更新频度
    REALTIME = "realtime", _("实时")
    DAILY = "daily", _("每日")
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    YEARLY = "yearly", _("每年")
    IRREGULAR = "irregular", _("不定期")


#: How many calendar days a resource may go without an update before it is stale (None: never stale).
FREQUENCY_DAYS = {"realtime": 1, "daily": 1, "weekly": 7, "monthly": 31, "quarterly": 92, "yearly": 366,
                  "irregular": None}


class SharingType(models.TextChoices):  # 003 Art. 27
    UNCONDITIONAL = "unconditional", _("无条件共享")
    AUTHORISED = "authorised", _("授权共享")
    NOT_SHARED = "not_shared", _("不予共享")


class SharingMethod(models.TextChoices):
    API = "api", _("接口调用")
    TABLE = "table", _("库表交换")
    FILE = "file", _("文件下载")


class OpenType(models.TextChoices):  # 003 Art. 30
    UNCONDITIONAL = "unconditional", _("无条件开放")
    CONDITIONAL = "conditional", _("有条件开放")
    NON_OPEN = "non_open", _("非开放")


class Grade(models.TextChoices):  # 分级
    GENERAL = "general", _("一般数据")
    IMPORTANT = "important", _("重要数据")
    CORE = "core", _("核心数据")


class ResourceStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")  # being written by the provider's data steward (also after a return)
    SUBMITTED = "submitted", _("待审核")  # waiting on the data office of the catalogue's level
    PUBLISHED = "published", _("已发布")  # in the catalogue
    MERGED = "merged", _("已并入")  # a revision whose changes were published into its resource


class ResourceQuerySet(ScopedQuerySet):
    scope_path_lookup = "region__path"

    def in_catalogue(self) -> ResourceQuerySet:
        return self.filter(status=ResourceStatus.PUBLISHED)

    def catalogue_for(self, user) -> ResourceQuerySet:
        """What a user may read: everything in their subtree (any state), plus the published catalogue — the
        city catalogue for every signed-in user, a district's supplementary catalogue for that district's subtree —
        plus resources granted to them (authorised sharing)."""
        from shequyun.scoping import user_scope_path

        own = self.visible_to(user, granted="dataassets.access_resource")
        prefix = user_scope_path(user)
        if prefix is None or getattr(user, "is_superuser", False):
            return own
        parts = prefix.split("/")
        district_path = "/".join(parts[:2]) + "/" if len(parts) > 2 else prefix
        published = Q(status=ResourceStatus.PUBLISHED) & (
            Q(catalogue=Catalogue.CITY) | Q(region__path__startswith=district_path))
        return self.filter(Q(pk__in=own.values("pk")) | published)


class Resource(models.Model):
    """A data resource (数据资源) of the catalogue, registered by its provider unit (提供单位).

    A change to a published resource is a *revision*: a new row (``revision_of`` set) that goes through the same
    draft → submitted → published review; publishing it copies its fields and items into the original, which
    keeps its identity, and records a :class:`ResourceVersion` with the diff."""

    region = models.ForeignKey("accounts.Region", verbose_name=_("所属区域"), on_delete=models.PROTECT,
                               related_name="data_resources")
    provider = models.ForeignKey("accounts.Organisation", verbose_name=_("提供单位"), on_delete=models.PROTECT,
                                 related_name="data_resources")
    catalogue = models.CharField(_("目录"), max_length=10, choices=Catalogue.choices, default=Catalogue.DISTRICT)
    name = models.CharField(_("资源名称"), max_length=200)
    code = models.CharField(_("资源代码"), max_length=40, validators=[
        RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", _("资源代码只能包含字母、数字、点、下划线和连字符。"))])
    description = models.TextField(_("资源摘要"), blank=True, **bounded(SUMMARY))
    data_format = models.CharField(_("资源格式"), max_length=20, choices=DataFormat.choices)
    collection_method = models.CharField(_("归集方式"), max_length=20, choices=CollectionMethod.choices)
    collection_frequency = models.CharField(_("归集频率"), max_length=20, choices=Frequency.choices)
    update_frequency = models.CharField(_("更新频度"), max_length=20, choices=Frequency.choices)
    sharing_type = models.CharField(_("共享类型"), max_length=20, choices=SharingType.choices)
    sharing_reason = models.TextField(_("不予共享或授权共享理由"), blank=True, **bounded(SUMMARY))
    legal_basis = models.TextField(_("法律法规规章依据"), blank=True, **bounded(SUMMARY))
    sharing_method = models.CharField(_("共享方式"), max_length=20, choices=SharingMethod.choices)
    open_type = models.CharField(_("开放类型"), max_length=20, choices=OpenType.choices)
    grade = models.CharField(_("数据分级"), max_length=20, choices=Grade.choices, default=Grade.GENERAL)
    contains_personal_info = models.BooleanField(_("含个人信息"), default=False)
    contains_commercial_secret = models.BooleanField(_("含商业秘密"), default=False)
    status = models.CharField(_("状态"), max_length=20, choices=ResourceStatus.choices, default=ResourceStatus.DRAFT,
                              db_index=True)
    revision_of = models.ForeignKey("self", verbose_name=_("变更对象"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="revisions")
    version = models.PositiveIntegerField(_("版本"), default=0)  # number of the last published version
    data_updated_on = models.DateField(_("数据最近更新日期"), null=True, blank=True, validators=[sane_date])
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("数据资源")
        verbose_name_plural = _("数据资源")
        ordering = ["-updated_at", "-id"]
        permissions = [("access_resource", _("使用授权共享数据"))]
        indexes = [
            models.Index(fields=["status", "catalogue"], name="resource_status_catalogue"),
            models.Index(fields=["name"], name="resource_name"),
            models.Index(fields=["-updated_at", "-id"], name="resource_default_order"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], condition=Q(revision_of__isnull=True),
                                    name="resource_code_unique_in_region"),
            models.UniqueConstraint(fields=["revision_of"], condition=Q(status__in=["draft", "submitted"]),
                                    name="resource_one_open_revision"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors = rules.sharing_errors(self.sharing_type, self.sharing_reason, self.legal_basis)
        errors |= rules.open_type_errors(self.open_type, self.contains_personal_info, self.contains_commercial_secret)
        if self.catalogue == Catalogue.DISTRICT and self.region_id and self.region.level == "city":
            errors["catalogue"] = [_("市级单位的数据资源编入全市目录。")]
        if errors:
            from django.core.exceptions import ValidationError

            raise ValidationError(errors)

    @property
    def is_revision(self) -> bool:
        return self.revision_of_id is not None

    @property
    def lineage_id(self) -> int:
        return self.revision_of_id or self.pk


class DataType(models.TextChoices):
    STRING = "string", _("字符型")
    TEXT = "text", _("文本型")
    INTEGER = "integer", _("整数型")
    DECIMAL = "decimal", _("数值型")
    DATE = "date", _("日期型")
    DATETIME = "datetime", _("日期时间型")
    BOOLEAN = "boolean", _("布尔型")
    BINARY = "binary", _("二进制")


class MaskingRule(models.TextChoices):
    NONE = "", _("不脱敏")
    PARTIAL = "partial", _("部分遮盖")
    HASH = "hash", _("哈希")
    ENCRYPT = "encrypt", _("加密")
    GENERALISE = "generalise", _("泛化")
    SUPPRESS = "suppress", _("不予提供")


def normalise_label(label: str) -> str:
    """The key under which "one datum, one source" compares labels: NFKC, no spaces or punctuation, lower case."""
    text = unicodedata.normalize("NFKC", label or "").lower()
    return "".join(ch for ch in text if ch.isalnum())


class Item(models.Model):
    """An information item (信息项, 002 Art. 22): one field of one table of a resource."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="items")
    table_name = models.CharField(_("表名"), max_length=64, validators=[
        RegexValidator(r"^[A-Za-z][A-Za-z0-9_]*$", _("表名须以字母开头，只含字母、数字和下划线。"))])
    field_name = models.CharField(_("字段名"), max_length=64, validators=[
        RegexValidator(r"^[A-Za-z][A-Za-z0-9_]*$", _("字段名须以字母开头，只含字母、数字和下划线。"))])
    label = models.CharField(_("中文名称"), max_length=100)
    label_key = models.CharField(max_length=100, editable=False, db_index=True)
    data_type = models.CharField(_("数据类型"), max_length=20, choices=DataType.choices)
    length = models.PositiveIntegerField(_("数据长度"), null=True, blank=True)
    is_primary_key = models.BooleanField(_("主键"), default=False)
    is_timestamp = models.BooleanField(_("时间戳"), default=False)
    personal_info = models.BooleanField(_("个人信息"), default=False)
    masking_rule = models.CharField(_("脱敏规则"), max_length=20, choices=MaskingRule.choices, blank=True)
    position = models.PositiveIntegerField(default=0)

    objects = scoped_queryset("resource__region__path").as_manager()

    class Meta:
        verbose_name = _("信息项")
        verbose_name_plural = _("信息项")
        ordering = ["resource_id", "position", "id"]
        indexes = [models.Index(fields=["label_key", "data_type"], name="item_label_type")]
        constraints = [
            models.UniqueConstraint(fields=["resource", "table_name", "field_name"], name="item_unique_field"),
        ]

    def __str__(self) -> str:
        return f"{self.table_name}.{self.field_name}（{self.label}）"

    def clean(self) -> None:
        super().clean()
        self.label_key = normalise_label(self.label)
        errors = rules.item_errors(self.data_type, self.length, self.personal_info, self.masking_rule)
        if errors:
            from django.core.exceptions import ValidationError

            raise ValidationError(errors)


class ResourceVersion(models.Model):
    """One published version of a resource: the full snapshot (fields and items) and the diff to the previous one."""

    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    snapshot = models.JSONField(_("内容"))
    diff = models.JSONField(_("变更内容"), default=dict, blank=True)
    revision = models.ForeignKey(Resource, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    objects = scoped_queryset("resource__region__path").as_manager()

    class Meta:
        verbose_name = _("数据资源版本")
        verbose_name_plural = _("数据资源版本")
        ordering = ["resource_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["resource", "number"], name="resource_version_unique")]

    def __str__(self) -> str:
        return f"{self.resource} v{self.number}"


class ResourceEvent(models.Model):
    """One row per transition of a resource: who, when, from, to, why. Never updated."""

    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("操作"), max_length=30)
    from_status = models.CharField(_("原状态"), max_length=20, choices=ResourceStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=ResourceStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT,
                              related_name="+")
    comment = models.TextField(_("意见"), blank=True, **bounded(NOTE))
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("数据资源流转记录")
        verbose_name_plural = _("数据资源流转记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.resource} {self.from_status}→{self.to_status}"


# --- sharing requests (003 Art. 27-28) ---------------------------------------------------------------------------

class SharingStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    GRANTED = "granted", _("已授权")
    REJECTED = "rejected", _("未同意")
    EXPIRED = "expired", _("已到期")


class SharingRequest(models.Model):
    """A unit asks for an authorised-sharing resource for a named online scenario and a purpose. Owned by the
    resource's region (the data office reviews it); the requester reads it through an explicit grant."""

    resource = models.ForeignKey(Resource, verbose_name=_("数据资源"), on_delete=models.PROTECT,
                                 related_name="sharing_requests")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT,
                                  related_name="+")
    requester_org = models.ForeignKey("accounts.Organisation", verbose_name=_("申请单位"), on_delete=models.PROTECT,
                                      related_name="+")
    scenario = models.ForeignKey("scenarios.Scenario", verbose_name=_("应用场景"), on_delete=models.PROTECT,
                                 related_name="+")
    purpose = models.TextField(_("用途"), **bounded(NOTE))
    status = models.CharField(_("状态"), max_length=20, choices=SharingStatus.choices, default=SharingStatus.SUBMITTED,
                              db_index=True)
    expires_on = models.DateField(_("授权截止日期"), null=True, blank=True, validators=[sane_date])
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)

    objects = scoped_queryset("resource__region__path").as_manager()

    class Meta:
        verbose_name = _("共享申请")
        verbose_name_plural = _("共享申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "requester"], condition=Q(status="submitted"),
                                    name="sharing_one_open_request"),
            models.CheckConstraint(condition=~Q(status="granted") | Q(expires_on__isnull=False),
                                   name="sharing_granted_has_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.resource} · {self.requester_org}"


class SharingEvent(models.Model):
    request = models.ForeignKey(SharingRequest, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("操作"), max_length=30)
    from_status = models.CharField(_("原状态"), max_length=20, choices=SharingStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=SharingStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")  # None: the expiry task
    comment = models.TextField(_("意见"), blank=True, **bounded(NOTE))
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("共享申请流转记录")
        verbose_name_plural = _("共享申请流转记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.from_status}→{self.to_status}"


# --- objections (异议, 003 Art. 48) --------------------------------------------------------------------------------

class ObjectionKind(models.TextChoices):
    ERROR = "error", _("数据错误")
    OMISSION = "omission", _("数据遗漏")
    PRIVACY = "privacy", _("侵犯个人隐私")
    COMMERCIAL_SECRET = "commercial_secret", _("侵犯商业秘密")


class ObjectionStatus(models.TextChoices):
    RECEIVED = "received", _("待标注")  # filed; the data office marks it within 1 working day
    MARKED = "marked", _("已标注")  # decide, or transfer to the responsible department, within 2 working days
    TRANSFERRED = "transferred", _("已转交")  # the responsible department decides within 5 working days
    DECIDED = "decided", _("已办结")  # the objector has been told the result


class Decision(models.TextChoices):
    CORRECT = "correct", _("予以更正")
    NO_CORRECTION = "no_correction", _("不予更正")


class Objection(models.Model):
    """An objection to a resource's data. Its clocks are computed once (dataassets/clocks.py) and stored."""

    resource = models.ForeignKey(Resource, verbose_name=_("数据资源"), on_delete=models.PROTECT,
                                 related_name="objections")
    kind = models.CharField(_("异议类型"), max_length=20, choices=ObjectionKind.choices)
    description = models.TextField(_("异议内容"), **bounded(SUMMARY))
    objector_name = models.CharField(_("异议提出人"), max_length=100,
                                     help_text=_("单位名称，或代居民提出时填写居民姓名。"))
    objector_org = models.ForeignKey("accounts.Organisation", verbose_name=_("受理单位"), on_delete=models.PROTECT,
                                     related_name="+")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                 related_name="+")
    status = models.CharField(_("状态"), max_length=20, choices=ObjectionStatus.choices,
                              default=ObjectionStatus.RECEIVED, db_index=True)
    received_on = models.DateField(_("收到异议日期"), validators=[sane_date])
    mark_due = models.DateField(_("标注期限"), validators=[sane_date])
    decide_due = models.DateField(_("决定或转交期限"), validators=[sane_date])
    department_due = models.DateField(_("责任部门决定期限"), null=True, blank=True, validators=[sane_date])
    provisional_clocks = models.BooleanField(_("期限按暂定日历计算"), default=False)
    marked_at = models.DateTimeField(_("标注时间"), null=True, blank=True)
    transferred_on = models.DateField(_("转交日期"), null=True, blank=True, validators=[sane_date])
    responsible_org = models.ForeignKey("accounts.Organisation", verbose_name=_("责任部门"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("处理决定"), max_length=20, choices=Decision.choices, blank=True)
    result = models.TextField(_("处理结果"), blank=True, **bounded(SUMMARY))
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = scoped_queryset("resource__region__path").as_manager()

    class Meta:
        verbose_name = _("数据异议")
        verbose_name_plural = _("数据异议")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "mark_due", "decide_due"], name="objection_clocks")]
        constraints = [
            models.CheckConstraint(condition=~Q(status="transferred") | Q(responsible_org__isnull=False,
                                                                            department_due__isnull=False),
                                   name="objection_transfer_has_department"),
        ]

    def __str__(self) -> str:
        return f"{self.resource} · {self.get_kind_display()}"

    @property
    def current_due(self):
        """The clock of the current stage (None once decided)."""
        return {ObjectionStatus.RECEIVED: self.mark_due, ObjectionStatus.MARKED: self.decide_due,
                ObjectionStatus.TRANSFERRED: self.department_due}.get(self.status)


class ObjectionEvent(models.Model):
    objection = models.ForeignKey(Objection, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("操作"), max_length=30)
    from_status = models.CharField(_("原状态"), max_length=20, choices=ObjectionStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=ObjectionStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    comment = models.TextField(_("意见"), blank=True, **bounded(NOTE))
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("异议流转记录")
        verbose_name_plural = _("异议流转记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.objection_id} {self.from_status}→{self.to_status}"


class ObjectionEscalation(models.Model):
    """An overdue stage escalated one level up the hierarchy: once per objection and stage (idempotent)."""

    objection = models.ForeignKey(Objection, on_delete=models.PROTECT, related_name="escalations")
    stage = models.CharField(_("阶段"), max_length=20, choices=ObjectionStatus.choices)
    due = models.DateField(_("期限"), validators=[sane_date])
    to_region = models.ForeignKey("accounts.Region", verbose_name=_("上报至"), on_delete=models.PROTECT,
                                  related_name="+")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("异议超期上报")
        verbose_name_plural = _("异议超期上报")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["objection", "stage"], name="objection_escalated_once")]

    def __str__(self) -> str:
        return f"{self.objection_id} {self.stage} → {self.to_region_id}"


# --- quality (003 Art. 24, 004 Art. 19) ---------------------------------------------------------------------------

class QualityKind(models.TextChoices):
    STALE = "stale", _("更新不及时")
    INCOMPLETE = "incomplete", _("编目不完整")


class QualityStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    RESOLVED = "resolved", _("已整改")


class QualityIssue(models.Model):
    """A resource that failed a quality check, sent back to its provider for rectification."""

    resource = models.ForeignKey(Resource, verbose_name=_("数据资源"), on_delete=models.PROTECT,
                                 related_name="quality_issues")
    provider = models.ForeignKey("accounts.Organisation", verbose_name=_("提供单位"), on_delete=models.PROTECT,
                                 related_name="+")
    kind = models.CharField(_("问题类型"), max_length=20, choices=QualityKind.choices)
    detail = models.TextField(_("问题说明"), **bounded(SUMMARY))
    detected_on = models.DateField(_("发现日期"), validators=[sane_date])
    status = models.CharField(_("状态"), max_length=20, choices=QualityStatus.choices, default=QualityStatus.OPEN,
                              db_index=True)
    resolution = models.TextField(_("整改说明"), blank=True, **bounded(SUMMARY))
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    resolved_at = models.DateTimeField(_("整改时间"), null=True, blank=True)

    objects = scoped_queryset("resource__region__path").as_manager()

    class Meta:
        verbose_name = _("数据质量问题")
        verbose_name_plural = _("数据质量问题")
        ordering = ["-detected_on", "-id"]
        indexes = [models.Index(fields=["provider", "detected_on"], name="quality_provider_date")]
        constraints = [
            models.UniqueConstraint(fields=["resource", "kind"], condition=Q(status="open"),
                                    name="quality_one_open_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.resource} · {self.get_kind_display()}"


class QualityEvent(models.Model):
    issue = models.ForeignKey(QualityIssue, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("操作"), max_length=30)
    from_status = models.CharField(_("原状态"), max_length=20, choices=QualityStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=QualityStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    comment = models.TextField(_("意见"), blank=True, **bounded(NOTE))
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("质量问题流转记录")
        verbose_name_plural = _("质量问题流转记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.issue_id} {self.from_status}→{self.to_status}"
