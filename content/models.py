"""Content (000 Art. 8, 10, 17; DESIGN §4): items collected, reviewed by a configurable chain and published with a
validity window; the sensitive-word lexicon; training materials with read receipts; the four-level feedback channel.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shequyun.scoping import ScopedQuerySet, scoped_queryset, user_scope_path
from shequyun.validators import DOCUMENT, NOTE, RICH, bounded, sane_date


class Kind(models.TextChoices):
    NOTICE = "notice", _("通知公告")
    ARTICLE = "article", _("文章")
    ACTIVITY = "activity", _("活动")
    IMAGES = "images", _("图集")
    AUDIO = "audio", _("音频")
    VIDEO = "video", _("视频")


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")  # being written (also after a return)
    REVIEW_1 = "review_1", _("审核中（第1步）")
    REVIEW_2 = "review_2", _("审核中（第2步）")
    REVIEW_3 = "review_3", _("审核中（第3步）")
    APPROVED = "approved", _("已通过待发布")  # waiting for its publish time
    PUBLISHED = "published", _("已发布")
    EXPIRED = "expired", _("已过期下线")
    WITHDRAWN = "withdrawn", _("已撤稿")


REVIEW_STATES = (Status.REVIEW_1, Status.REVIEW_2, Status.REVIEW_3)
#: States in which the authors may still change the item (an edit after an approval restarts the chain).
EDITABLE_STATES = (Status.DRAFT, *REVIEW_STATES, Status.APPROVED)


def review_state(position: int) -> str:
    return f"review_{position}"


class StepName(models.TextChoices):
    FIRST = "初审", _("初审")
    SECOND = "复审", _("复审")
    FINAL = "终审", _("终审")


STEP_ORDER = {StepName.FIRST: 1, StepName.SECOND: 2, StepName.FINAL: 3}


class Check(models.TextChoices):
    """The four checks a reviewer confirms at every step (000 Art. 8)."""

    LEGALITY = "legality", _("合法性")
    TRUTHFULNESS = "truthfulness", _("真实性")
    ACCURACY = "accuracy", _("准确性")
    TIMELINESS = "timeliness", _("时效性")


class ContentItemQuerySet(ScopedQuerySet):
    """Scope: items owned by the user's subtree, plus published items whose audience contains the user's region
    (DESIGN §2: "upward and sideways are invisible unless an object is explicitly published to a wider audience")."""

    scope_path_lookup = "region__path"

    def visible_to(self, user: Any, *, granted: str | None = None) -> ContentItemQuerySet:
        own = super().visible_to(user, granted=granted)
        if self.covers_all(user):  # a superuser, or the city: every item already
            return own
        prefix = user_scope_path(user)
        if prefix is None:
            return own
        codes = [part for part in prefix.split("/") if part]
        return own | self.filter(status=Status.PUBLISHED, audience__code__in=codes)

    def public_for(self, village: Any) -> ContentItemQuerySet:
        """What residents of ``village`` see: published items whose audience subtree contains the village."""
        return self.filter(status=Status.PUBLISHED, audience__code__in=village.ancestor_codes)


class ContentItem(models.Model):
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), blank=True, help_text=_("已按白名单清洗的 HTML。"), **bounded(RICH))
    region = models.ForeignKey("accounts.Region", verbose_name=_("采集单位所在区域"), on_delete=models.PROTECT,
                               related_name="content_items")
    audience = models.ForeignKey("accounts.Region", verbose_name=_("发布范围"), on_delete=models.PROTECT,
                                 related_name="content_audience")
    publish_at = models.DateTimeField(_("发布时间"), null=True, blank=True,
                                      help_text=_("留空则审核通过后立即发布。"))
    is_time_bound = models.BooleanField(_("有时效"), default=False, help_text=_("有时效的内容必须填写下线时间。"))
    expire_at = models.DateTimeField(_("下线时间"), null=True, blank=True)
    is_reprint = models.BooleanField(_("转载"), default=False)
    source_name = models.CharField(_("来源名称"), max_length=200, blank=True)
    source_url = models.URLField(_("原文链接"), max_length=500, blank=True)
    authorisation = models.CharField(_("转载授权"), max_length=300, blank=True,
                                     help_text=_("授权方式或授权文件编号，如“来源单位书面授权（2026）12号”。"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # The review run in progress (a snapshot of the chain taken on submit) and where it stands. The current step's
    # region and role are kept on the row so that "what waits on me" is one indexed query.
    review_round = models.ForeignKey("ReviewRound", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    step_count = models.PositiveSmallIntegerField(_("审核步数"), default=0)
    current_step = models.PositiveSmallIntegerField(_("当前审核步"), default=0)
    current_step_region = models.ForeignKey("accounts.Region", null=True, blank=True, on_delete=models.PROTECT,
                                            related_name="+")
    current_step_role = models.CharField(max_length=20, blank=True)
    flagged_words = models.JSONField(_("提示词"), default=list, blank=True)
    revision_number = models.PositiveIntegerField(_("版本"), default=0)
    published_at = models.DateTimeField(_("实际发布时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("采集人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ContentItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("内容")
        verbose_name_plural = _("内容")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["status", "publish_at"], name="content_status_publish"),
            models.Index(fields=["status", "expire_at"], name="content_status_expire"),
            models.Index(fields=["audience", "status"], name="content_audience_status"),
            models.Index(fields=["current_step_region", "status"], name="content_step_region"),
            models.Index(fields=["-updated_at", "-id"], name="content_default_order"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(is_time_bound=False) | Q(expire_at__isnull=False),
                                   name="content_time_bound_has_expiry"),
            models.CheckConstraint(condition=Q(expire_at__isnull=True) | Q(publish_at__isnull=True)
                                   | Q(expire_at__gt=models.F("publish_at")), name="content_expiry_after_publish"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors: dict[str, list[str]] = {}
        if self.is_time_bound and self.expire_at is None:
            errors["expire_at"] = [_("有时效的内容必须填写下线时间。")]
        if self.expire_at and self.publish_at and self.expire_at <= self.publish_at:
            errors["expire_at"] = [_("下线时间必须晚于发布时间。")]
        if errors:
            raise ValidationError(errors)

    @property
    def in_review(self) -> bool:
        return self.status in REVIEW_STATES

    def citation_missing(self) -> dict[str, list[str]]:
        """For reprints, the source name, original link and authorisation (转载引用规范), field by field."""
        if not self.is_reprint:
            return {}
        missing = {}
        if not self.source_name.strip():
            missing["source_name"] = [_("转载内容须注明来源名称。")]
        if not self.source_url.strip():
            missing["source_url"] = [_("转载内容须注明原文链接。")]
        if not self.authorisation.strip():
            missing["authorisation"] = [_("转载内容须注明转载授权。")]
        return missing


class ItemRevision(models.Model):
    """Every save of an item: what reviewers diff (title, body, attachments). Never updated."""

    item = models.ForeignKey(ContentItem, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField(_("版本号"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), blank=True, **bounded(RICH))
    attachments = models.JSONField(_("附件"), default=list, blank=True)  # [{"id", "name", "media", "sha256", "size"}]
    fields = models.JSONField(_("其他字段"), default=dict, blank=True)  # kind, audience, window, citation
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("修改人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = scoped_queryset("item__region__path").as_manager()

    class Meta:
        verbose_name = _("内容版本")
        verbose_name_plural = _("内容版本")
        ordering = ["item", "number"]
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="revision_number_once")]

    def __str__(self) -> str:
        return f"{self.item_id} v{self.number}"


class Media(models.TextChoices):
    IMAGE = "image", _("图片")
    AUDIO = "audio", _("音频")
    VIDEO = "video", _("视频")
    DOCUMENT = "document", _("文档")


class AttachmentQuerySet(ScopedQuerySet):
    scope_path_lookup = "item__region__path"

    def visible_to(self, user: Any, *, granted: str | None = None) -> AttachmentQuerySet:
        return self.filter(item__in=ContentItem.objects.visible_to(user))


class Attachment(models.Model):
    """An uploaded file of an item: sniffed by its bytes, images re-encoded (no EXIF/GPS), stored under a generated
    name; the user's file name is only a label."""

    item = models.ForeignKey(ContentItem, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(_("文件"), upload_to="content/%Y/%m/", max_length=300)
    name = models.CharField(_("原文件名"), max_length=255)
    media = models.CharField(_("类别"), max_length=10, choices=Media.choices)
    extension = models.CharField(_("格式"), max_length=10)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("内容附件")
        verbose_name_plural = _("内容附件")
        ordering = ["item", "id"]

    def __str__(self) -> str:
        return self.name


class ReviewRound(models.Model):
    """One run of the review chain over an item: the chain's steps as they were on submit (a later edit of the
    chain does not change a run in progress). A new round starts on every submit and on every restart."""

    item = models.ForeignKey(ContentItem, on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("轮次"))
    chain_region = models.ForeignKey("accounts.Region", verbose_name=_("审核链所属区域"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    # [{"position": 1, "name": "初审", "role": "reviewer", "level": "street", "region": <id>, "region_name": …}]
    steps = models.JSONField(default=list)
    revision = models.ForeignKey(ItemRevision, verbose_name=_("送审版本"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("审核轮次")
        verbose_name_plural = _("审核轮次")
        ordering = ["item", "number"]
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="round_number_once")]

    def __str__(self) -> str:
        return f"{self.item_id} #{self.number}"

    def step(self, position: int) -> dict[str, Any]:
        return self.steps[position - 1]


class ItemEvent(models.Model):
    """One row per transition (submit, each step's approve/return with its checks, publish, expiry, withdrawal…):
    who, when, from, to, why. The signed review record (审核表) is read from these rows. Never updated."""

    item = models.ForeignKey(ContentItem, on_delete=models.PROTECT, related_name="events")
    review_round = models.ForeignKey(ReviewRound, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    step_name = models.CharField(_("审核环节"), max_length=10, blank=True)
    action = models.CharField(_("操作"), max_length=20)
    from_status = models.CharField(_("原状态"), max_length=12, choices=Status.choices)
    to_status = models.CharField(_("新状态"), max_length=12, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")  # null: the scheduler
    comment = models.TextField(_("意见"), blank=True, **bounded(NOTE))
    checks = models.JSONField(_("审核要点"), default=list, blank=True)
    revision = models.ForeignKey(ItemRevision, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("内容流转记录")
        verbose_name_plural = _("内容流转记录")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["review_round", "action", "actor"], name="content_event_round_actor")]

    def __str__(self) -> str:
        return f"{self.item_id} {self.action} {self.from_status}→{self.to_status}"


class Severity(models.TextChoices):
    BLOCK = "block", _("禁止（拦截提交）")
    FLAG = "flag", _("提示（提醒审核人员）")


class SensitiveWord(models.Model):
    """The lexicon, kept by the city operations office; matched with Aho-Corasick on submit (content/lexicon.py)."""

    word = models.CharField(_("词语"), max_length=100, unique=True)
    severity = models.CharField(_("处理方式"), max_length=5, choices=Severity.choices, default=Severity.FLAG)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("敏感词")
        verbose_name_plural = _("敏感词")
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word


class ChainQuerySet(ScopedQuerySet):
    """Chains of the user's subtree, plus the chains of their ancestors (which apply to them when their own level
    has none) — readable, editable only by the owning level's operations office."""

    scope_path_lookup = "region__path"

    def visible_to(self, user: Any, *, granted: str | None = None) -> ChainQuerySet:
        own = super().visible_to(user, granted=granted)
        prefix = user_scope_path(user)
        if prefix is None or (getattr(user, "is_superuser", False) and user.is_active):
            return own
        return own | self.filter(region__code__in=[p for p in prefix.split("/") if p])


class ReviewChain(models.Model):
    """The review chain a level configures (1–3 steps) for the items of its subtree; the nearest configured
    ancestor's chain applies where a level has none."""

    region = models.OneToOneField("accounts.Region", verbose_name=_("配置区域"), on_delete=models.PROTECT,
                                  related_name="review_chain")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ChainQuerySet.as_manager()

    class Meta:
        verbose_name = _("审核链")
        verbose_name_plural = _("审核链")
        ordering = ["region__path"]

    def __str__(self) -> str:
        return f"{self.region} 审核链"


class ReviewStep(models.Model):
    chain = models.ForeignKey(ReviewChain, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("环节"), max_length=4, choices=StepName.choices)
    role = models.CharField(_("审核角色"), max_length=20)
    level = models.CharField(_("审核层级"), max_length=10)

    class Meta:
        verbose_name = _("审核步骤")
        verbose_name_plural = _("审核步骤")
        ordering = ["chain", "position"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "position"], name="chain_step_position_once"),
            models.UniqueConstraint(fields=["chain", "name"], name="chain_step_name_once"),
            models.CheckConstraint(condition=Q(position__gte=1, position__lte=3), name="chain_step_position_1_3"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


class AudienceScopedQuerySet(ScopedQuerySet):
    """For things published downward to a subtree (training): the publisher's subtree sees them, and so does
    everyone below the publishing region."""

    scope_path_lookup = "region__path"

    def visible_to(self, user: Any, *, granted: str | None = None) -> AudienceScopedQuerySet:
        own = super().visible_to(user, granted=granted)
        prefix = user_scope_path(user)
        if prefix is None or (getattr(user, "is_superuser", False) and user.is_active):
            return own
        return own | self.filter(region__code__in=[p for p in prefix.split("/") if p])


class TrainingMaterial(models.Model):
    """A training guide (000 Art. 17) published by an operations office to everyone in its subtree."""

    region = models.ForeignKey("accounts.Region", verbose_name=_("发布区域"), on_delete=models.PROTECT,
                               related_name="training_materials")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True, **bounded(RICH))
    feature = models.CharField(_("对应功能"), max_length=100, blank=True, help_text=_("新上线功能的名称。"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    objects = AudienceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训教材")
        verbose_name_plural = _("培训教材")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class TrainingFileQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any, *, granted: str | None = None) -> TrainingFileQuerySet:
        return self.filter(material__in=TrainingMaterial.objects.visible_to(user))


class TrainingFile(models.Model):
    material = models.ForeignKey(TrainingMaterial, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(upload_to="training/%Y/%m/", max_length=300)
    name = models.CharField(_("原文件名"), max_length=255)
    media = models.CharField(_("类别"), max_length=10, choices=Media.choices)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TrainingFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训附件")
        verbose_name_plural = _("培训附件")
        ordering = ["material", "id"]

    def __str__(self) -> str:
        return self.name


class ReadReceipt(models.Model):
    material = models.ForeignKey(TrainingMaterial, on_delete=models.PROTECT, related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_receipts")
    read_at = models.DateTimeField(_("阅读时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("阅读回执")
        verbose_name_plural = _("阅读回执")
        constraints = [models.UniqueConstraint(fields=["material", "user"], name="receipt_once")]

    def __str__(self) -> str:
        return f"{self.material_id} {self.user_id}"


class FeedbackKind(models.TextChoices):
    QUESTION = "question", _("问题")
    SUGGESTION = "suggestion", _("建议")


class FeedbackStatus(models.TextChoices):
    OPEN = "open", _("待答复")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已关闭")


class Feedback(models.Model):
    """工作交流平台 (000 Art. 10, 17): a question or suggestion routed to the operations office one level up
    (``handler_region``), which answers, forwards it further up, or closes it."""

    region = models.ForeignKey("accounts.Region", verbose_name=_("反馈单位所在区域"), on_delete=models.PROTECT,
                               related_name="feedback")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("反馈人"), on_delete=models.PROTECT,
                                  related_name="+")
    kind = models.CharField(_("类型"), max_length=10, choices=FeedbackKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), **bounded(DOCUMENT))
    status = models.CharField(_("状态"), max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.OPEN,
                              db_index=True)
    handler_region = models.ForeignKey("accounts.Region", verbose_name=_("承办层级"), on_delete=models.PROTECT,
                                       related_name="feedback_to_handle")
    due_date = models.DateField(_("答复期限"), validators=[sane_date])
    due_provisional = models.BooleanField(_("期限按暂定日历计算"), default=False)
    escalations = models.PositiveSmallIntegerField(_("超期升级次数"), default=0)
    answer = models.TextField(_("答复"), blank=True, **bounded(DOCUMENT))
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("答复人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("工作交流")
        verbose_name_plural = _("工作交流")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["handler_region", "status", "due_date"], name="feedback_handler_due")]

    def __str__(self) -> str:
        return self.title


class FeedbackEvent(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("操作"), max_length=20)
    from_status = models.CharField(max_length=10, choices=FeedbackStatus.choices)
    to_status = models.CharField(max_length=10, choices=FeedbackStatus.choices)
    from_region = models.ForeignKey("accounts.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_region = models.ForeignKey("accounts.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    comment = models.TextField(_("说明"), blank=True, **bounded(NOTE))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("交流流转记录")
        verbose_name_plural = _("交流流转记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.action}"
