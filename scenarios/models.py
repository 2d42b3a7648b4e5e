"""Application scenarios (应用场景, 000 Art. 11-13, 16): the inventory, onboarding applications and their history."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from shequyun.scoping import ScopedQuerySet
from shequyun.validators import (
    DOCUMENT,
    NOTE,
    SUMMARY,
    bounded,
    not_future,
    period_validator,
    phone_validator,
    sane_date,
)

credit_code_validator = RegexValidator(
    r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$", _("统一社会信用代码应为 18 位（数字或大写字母）。")
)


class Category(models.TextChoices):
    COMMUNITY_MANAGEMENT = "community_management", _("社区管理")
    PUBLIC_SERVICE = "public_service", _("民生服务")
    SELF_GOVERNANCE = "self_governance", _("自治共治")
    DAILY_OFFICE = "daily_office", _("日常办公")


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")  # being written by the applicant (also after a return)
    SUBMITTED = "submitted", _("待核准")  # waiting on the superior competent department
    APPROVED = "approved", _("已核准待报备")  # waiting on the city operations office to acknowledge the filing
    REJECTED = "rejected", _("未核准")  # final
    FILED = "filed", _("已报备")  # the applicant may take it online
    ONLINE = "online", _("运行中")
    RECTIFYING = "rectifying", _("整改中")  # evaluation required changes; deadline in rectify_deadline
    OFFLINE = "offline", _("已下线")  # offboarded, withdrawn or merged into another scenario
    DISCONNECTED = "disconnected", _("已断开")  # emergency disconnection by the city operations office


class ScenarioQuerySet(ScopedQuerySet):
    scope_path_lookup = "region__path"

    def published(self) -> ScenarioQuerySet:
        """The public inventory: online scenarios, readable by every authenticated client across regions."""
        return self.filter(status=Status.ONLINE)

    def available_in(self, region: Any) -> ScenarioQuerySet:
        """Online scenarios that serve ``region``: built by it or by a region above it (a scenario serves its
        region's whole subtree), or promoted (``scope_regions``) to it or to a region above it. The ancestors'
        paths come from ``region.path`` itself; the promotion test is an EXISTS, so no row is repeated."""
        codes = [c for c in region.path.split("/") if c]
        paths = ["".join(f"{c}/" for c in codes[:i]) for i in range(1, len(codes) + 1)]
        promoted = Scenario.scope_regions.through.objects.filter(scenario_id=models.OuterRef("pk"),
                                                                 region__path__in=paths)
        return self.filter(status=Status.ONLINE).filter(models.Q(region__path__in=paths) | models.Exists(promoted))

    def visible_or_published(self, user: Any) -> ScenarioQuerySet:
        """What a search or a suggestion may show ``user``: their subtree (any state) plus the public inventory —
        never another region's unpublished scenario."""
        return self.visible_to(user) | self.published()


class Scenario(models.Model):
    name = models.CharField(_("场景名称"), max_length=200)
    category = models.CharField(_("类别"), max_length=30, choices=Category.choices)
    region = models.ForeignKey(
        "accounts.Region", verbose_name=_("建设区域"), on_delete=models.PROTECT, related_name="scenarios"
    )
    building_unit = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("建设单位"), on_delete=models.PROTECT, related_name="scenarios"
    )
    responsible_person = models.CharField(_("责任人"), max_length=50)
    developer_name = models.CharField(_("开发单位"), max_length=200)
    developer_credit_code = models.CharField(_("开发单位统一社会信用代码"), max_length=18, validators=[credit_code_validator])
    developer_contact = models.CharField(_("开发单位联系人"), max_length=50)
    developer_phone = models.CharField(_("开发单位联系电话"), max_length=30, validators=[phone_validator])
    has_public_opinion = models.BooleanField(
        _("具有舆论属性或社会动员能力"), default=False, help_text=_("如是，须提交用户行为管理方案。")
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    #: Regions the scenario was promoted to (evaluation outcome 推广): its 应用范围 is its own region plus these
    #: (``application_scope``); "available in my region" and participation read it.
    scope_regions = models.ManyToManyField(
        "accounts.Region", verbose_name=_("推广范围"), blank=True, related_name="promoted_scenarios"
    )
    merged_into = models.ForeignKey(
        "self", verbose_name=_("合并至"), null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    rectify_deadline = models.DateField(_("整改期限"), null=True, blank=True, validators=[sane_date])
    search_tokens = models.TextField(editable=False, blank=True)  # jieba tokens of name + function summary
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    online_since = models.DateTimeField(_("上线时间"), null=True, blank=True)

    objects = ScenarioQuerySet.as_manager()

    class Meta:
        verbose_name = _("应用场景")
        verbose_name_plural = _("应用场景")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["status", "category"], name="scenario_status_category"),
            models.Index(fields=["developer_name"], name="scenario_developer"),
            models.Index(fields=["name"], name="scenario_name"),
            models.Index(fields=["-updated_at", "-id"], name="scenario_default_order"),  # the inventory's order
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(merged_into__isnull=False) | models.Q(status="offline"),
                name="scenario_merged_is_offline",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def application_scope(self) -> list[Any]:
        """应用范围: the owning region, then the regions it was promoted to (by code), none covered twice — a
        promoted region inside another one in scope is left out. Uses a prefetched ``scope_regions``."""
        regions = sorted(self.scope_regions.all(), key=lambda r: (r.depth, r.code))
        scope = [self.region]
        for region in regions:
            if not any(region.path.startswith(r.path) for r in scope):
                scope.append(region)
        return scope

    # The graded-protection level and test date are kept by the security module (security.Assessment).
    @property
    def protection_level(self) -> int | None:
        assessment = getattr(self, "assessment", None)
        return assessment.protection_level if assessment is not None else None

    @property
    def protection_tested_on(self):
        assessment = getattr(self, "assessment", None)
        return assessment.tested_on if assessment is not None else None


class ApplicationQuerySet(ScopedQuerySet):
    scope_path_lookup = "scenario__region__path"


class Application(models.Model):
    """The onboarding application of a scenario (000 Art. 12): everything the superior department reviews."""

    scenario = models.OneToOneField(Scenario, on_delete=models.PROTECT, related_name="application")
    function_summary = models.TextField(_("功能概述"), blank=True, **bounded(SUMMARY))
    operating_mechanism = models.TextField(_("运行机制"), blank=True, **bounded(DOCUMENT))
    integration_needs = models.TextField(_("技术对接需求"), blank=True, **bounded(DOCUMENT))
    developer_info = models.TextField(_("开发单位情况"), blank=True, **bounded(DOCUMENT))
    risk_report = models.FileField(_("安全风险评估报告"), upload_to="scenarios/reports/%Y/%m/", blank=True, max_length=300)
    risk_report_name = models.CharField(_("报告原文件名"), max_length=255, blank=True)
    risk_report_type = models.CharField(_("报告类型"), max_length=10, blank=True)  # pdf / docx / doc, sniffed
    behaviour_plan = models.TextField(_("用户行为管理方案"), blank=True, **bounded(DOCUMENT))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("核准时间"), null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("接入申请")
        verbose_name_plural = _("接入申请")

    def __str__(self) -> str:
        return f"{self.scenario} · 接入申请"


class ScenarioEvent(models.Model):
    """One row per transition: who, when, from, to, which action and why. Never updated."""

    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("操作"), max_length=30)
    from_status = models.CharField(_("原状态"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(_("意见"), blank=True, **bounded(NOTE))
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("场景流转记录")
        verbose_name_plural = _("场景流转记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.scenario} {self.from_status}→{self.to_status}"


class UsageMetric(models.Model):
    """Daily usage pushed by a scenario's operator over the API; one row per scenario and day (re-posting replaces)."""

    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="metrics")
    date = models.DateField(_("日期"), validators=[sane_date, not_future])
    active_users = models.PositiveIntegerField(_("活跃用户数"))
    visits = models.PositiveIntegerField(_("访问量"))
    households_reached = models.PositiveIntegerField(_("覆盖户数"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("使用数据")
        verbose_name_plural = _("使用数据")
        ordering = ["scenario", "date"]
        constraints = [models.UniqueConstraint(fields=["scenario", "date"], name="metric_one_per_day")]

    def __str__(self) -> str:
        return f"{self.scenario} {self.date}"


class CampaignQuerySet(ScopedQuerySet):
    scope_path_lookup = "region__path"


class EvaluationCampaign(models.Model):
    """A periodic evaluation (000 Art. 13) run by a city or district for its subtree; quarterly by default."""

    region = models.ForeignKey("accounts.Region", verbose_name=_("组织区域"), on_delete=models.PROTECT,
                               related_name="evaluation_campaigns")
    period = models.CharField(_("评估周期"), max_length=20, validators=[period_validator])  # e.g. 2026Q4
    due_date = models.DateField(_("截止日期"), validators=[sane_date])
    due_provisional = models.BooleanField(_("截止日期按暂定日历计算"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("评估批次")
        verbose_name_plural = _("评估批次")
        ordering = ["-period", "region__code"]
        constraints = [models.UniqueConstraint(fields=["region", "period"], name="campaign_once_per_period")]

    def __str__(self) -> str:
        return f"{self.region} {self.period}"


class EvaluationStatus(models.TextChoices):
    DUE = "due", _("待评估")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")


class Outcome(models.TextChoices):
    PROMOTE = "promote", _("推广")
    KEEP = "keep", _("保持")
    RECTIFY = "rectify", _("限期整改")
    OFFBOARD = "offboard", _("下线")


class EvaluationQuerySet(ScopedQuerySet):
    scope_path_lookup = "scenario__region__path"


class Evaluation(models.Model):
    """One scenario's evaluation report in a campaign: four dimensions of 000 Art. 13, scores and findings, outcome."""

    campaign = models.ForeignKey(EvaluationCampaign, on_delete=models.PROTECT, related_name="evaluations")
    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="evaluations")
    status = models.CharField(_("状态"), max_length=10, choices=EvaluationStatus.choices, default=EvaluationStatus.DUE,
                              db_index=True)
    mechanism_score = models.PositiveSmallIntegerField(_("运行机制得分"), null=True, blank=True)
    mechanism_finding = models.TextField(_("运行机制评价"), blank=True, **bounded(NOTE))
    effectiveness_score = models.PositiveSmallIntegerField(_("使用成效得分"), null=True, blank=True)
    effectiveness_finding = models.TextField(_("使用成效评价"), blank=True, **bounded(NOTE))
    participation_score = models.PositiveSmallIntegerField(_("居民参与度得分"), null=True, blank=True)
    participation_finding = models.TextField(_("居民参与度评价"), blank=True, **bounded(NOTE))
    security_score = models.PositiveSmallIntegerField(_("安全风险得分"), null=True, blank=True)
    security_finding = models.TextField(_("安全风险评价"), blank=True, **bounded(NOTE))
    outcome = models.CharField(_("评估结论"), max_length=10, choices=Outcome.choices, blank=True)
    rectify_working_days = models.PositiveSmallIntegerField(_("整改期限（工作日）"), null=True, blank=True)
    promote_regions = models.ManyToManyField("accounts.Region", verbose_name=_("推广到"), blank=True, related_name="+")
    evidence = models.FileField(_("佐证材料"), upload_to="scenarios/evidence/%Y/", blank=True, max_length=300)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField(_("退回意见"), blank=True, **bounded(NOTE))

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("评估报告")
        verbose_name_plural = _("评估报告")
        ordering = ["campaign__due_date", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "scenario"], name="evaluation_once_per_campaign")]

    def __str__(self) -> str:
        return f"{self.scenario} · {self.campaign.period}"


class EvaluationEvent(models.Model):
    """One row per evaluation transition (submit, return): who, when, from, to and why. Never updated, so every
    return comment is kept however often a report goes back and forth."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("操作"), max_length=30)
    from_status = models.CharField(_("原状态"), max_length=10, choices=EvaluationStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=10, choices=EvaluationStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(_("意见"), blank=True, **bounded(NOTE))
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("评估流转记录")
        verbose_name_plural = _("评估流转记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.evaluation_id} {self.from_status}→{self.to_status}"
