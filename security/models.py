"""Security operations (000 Art. 14-18, 001 §3(六)3, 002 Art. 29-32, 003 Art. 43-46; DESIGN §6).

Incidents and faults with the national classification (GB/T 20986-2023, kept as data in ``IncidentCategory``),
emergency plans with versions, drills, training records, graded-protection assessments (等保 / 密评) per scenario
and vendor confidentiality agreements. Every region-owned model is scoped by ``visible_to`` (shequyun/scoping.py).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from scenarios.models import credit_code_validator
from shequyun.scoping import scoped_queryset
from shequyun.validators import DOCUMENT, MEDIUM, NOTE, SECTION, bounded, not_future, sane_date

# --- Classification (GB/T 20986-2023) ------------------------------------------------------------------------


class IncidentCategory(models.Model):
    """A category (``parent`` empty) or subcategory of GB/T 20986-2023 with its code from Annex B. Loaded from
    ``security/fixtures/gbt20986_2023.json``; city operations correct names, descriptions and availability."""

    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    parent = models.ForeignKey("self", verbose_name=_("所属类别"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="subcategories")
    description = models.TextField(_("说明"), blank=True, **bounded(NOTE))
    is_active = models.BooleanField(_("启用"), default=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("事件分类")
        verbose_name_plural = _("事件分类")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


# --- Incidents -----------------------------------------------------------------------------------------------


class IncidentKind(models.TextChoices):
    INCIDENT = "incident", _("安全事件")
    FAULT = "fault", _("系统故障")


class Grade(models.IntegerChoices):
    """GB/T 20986-2023 §6 event levels."""

    I = 1, _("I级（特别重大）")  # noqa: E741
    II = 2, _("II级（重大）")
    III = 3, _("III级（较大）")
    IV = 4, _("IV级（一般）")


class Importance(models.TextChoices):
    """Importance of the affected object (事件影响对象的重要程度)."""

    SPECIAL = "special", _("特别重要")
    IMPORTANT = "important", _("重要")
    GENERAL = "general", _("一般")


class Loss(models.TextChoices):
    """Business loss (业务损失)."""

    PARTICULARLY_SERIOUS = "particularly_serious", _("特别严重的损失")
    SERIOUS = "serious", _("严重的损失")
    LARGER = "larger", _("较大的损失")
    MINOR = "minor", _("较小的损失")


class SocialImpact(models.TextChoices):
    """Social harm (社会危害)."""

    PARTICULARLY_MAJOR = "particularly_major", _("特别重大的社会危害")
    MAJOR = "major", _("重大的社会危害")
    LARGER = "larger", _("较大的社会危害")
    GENERAL = "general", _("一般的社会危害")


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", _("已上报")
    ACKNOWLEDGED = "acknowledged", _("已受理")
    RESPONDING = "responding", _("处置中")
    CONTAINED = "contained", _("已控制")
    RESOLVED = "resolved", _("已解决")
    REVIEWED = "reviewed", _("已复盘")


OPEN_STATUSES = (IncidentStatus.REPORTED, IncidentStatus.ACKNOWLEDGED, IncidentStatus.RESPONDING,
                 IncidentStatus.CONTAINED)


class Incident(models.Model):
    """A security incident or a fault. ``region`` is the responsible region (the affected scenario's builder —
    谁建设谁监管 — or the affected unit's region, else the region named by the reporter); ``reported_region`` is
    where it was reported, whose chain the escalation follows (001 §3(六)3)."""

    kind = models.CharField(_("类型"), max_length=10, choices=IncidentKind.choices, default=IncidentKind.INCIDENT)
    title = models.CharField(_("事件概述"), max_length=200)
    description = models.TextField(_("详细情况"), blank=True, **bounded(DOCUMENT))
    region = models.ForeignKey("accounts.Region", verbose_name=_("责任区域"), on_delete=models.PROTECT,
                               related_name="+")
    reported_region = models.ForeignKey("accounts.Region", verbose_name=_("上报区域"), on_delete=models.PROTECT,
                                        related_name="+")
    scenario = models.ForeignKey("scenarios.Scenario", verbose_name=_("受影响场景"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="incidents")
    unit = models.ForeignKey("accounts.Organisation", verbose_name=_("受影响单位"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    lead_department = models.ForeignKey("accounts.Organisation", verbose_name=_("牵头部门"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(IncidentCategory, verbose_name=_("事件类别"), on_delete=models.PROTECT,
                                 related_name="+")
    subcategory = models.ForeignKey(IncidentCategory, verbose_name=_("事件子类"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("发生时间"))
    detected_at = models.DateTimeField(_("发现时间"))
    personal_info_leak = models.BooleanField(_("疑似个人信息泄露"), default=False)
    public_opinion = models.BooleanField(_("涉及舆情"), default=False)
    importance = models.CharField(_("影响对象重要程度"), max_length=10, choices=Importance.choices)
    loss = models.CharField(_("业务损失"), max_length=25, choices=Loss.choices)
    social_impact = models.CharField(_("社会危害"), max_length=25, choices=SocialImpact.choices)
    suggested_grade = models.PositiveSmallIntegerField(_("建议级别"), choices=Grade.choices)
    grade = models.PositiveSmallIntegerField(_("确认级别"), choices=Grade.choices, null=True, blank=True)
    grade_reason = models.TextField(_("定级理由"), blank=True, **bounded(NOTE))
    grade_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("定级人"), null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+")
    grade_confirmed_at = models.DateTimeField(_("定级时间"), null=True, blank=True)
    is_drill = models.BooleanField(_("演练事件"), default=False, help_text=_("演练中的模拟事件，不计入统计。"))
    drill = models.ForeignKey("Drill", verbose_name=_("所属演练"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="incidents")
    status = models.CharField(_("状态"), max_length=15, choices=IncidentStatus.choices,
                              default=IncidentStatus.REPORTED, db_index=True)
    ack_due_at = models.DateTimeField(_("受理期限"))
    ack_due_provisional = models.BooleanField(_("期限按暂定日历计算"), default=False)
    acknowledged_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    contained_at = models.DateTimeField(_("控制时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("复盘时间"), null=True, blank=True)
    #: Depth of the highest level the incident has reached (0 city … 3 village).
    reached_depth = models.PositiveSmallIntegerField(_("已上报至层级"), default=3)
    overdue_escalated_at = models.DateTimeField(_("超期升级时间"), null=True, blank=True)
    resolution_note = models.TextField(_("处置结果说明"), blank=True, **bounded(DOCUMENT))
    review_causes = models.TextField(_("原因分析"), blank=True, **bounded(DOCUMENT))
    activated_plan = models.ForeignKey("PlanVersion", verbose_name=_("已启动预案"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报告人"), on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(_("上报时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = scoped_queryset("region__path").as_manager()

    class Meta:
        verbose_name = _("安全事件")
        verbose_name_plural = _("安全事件")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "ack_due_at"], name="incident_status_due"),
                   models.Index(fields=["-created_at", "-id"], name="incident_default_order")]
        constraints = [
            models.CheckConstraint(condition=Q(detected_at__gte=models.F("started_at")),
                                   name="incident_detected_after_start"),
            models.CheckConstraint(condition=Q(grade__isnull=True) | Q(grade__gte=1, grade__lte=4),
                                   name="incident_grade_range"),
            models.CheckConstraint(condition=Q(drill__isnull=True) | Q(is_drill=True), name="incident_drill_is_practice"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def effective_grade(self) -> int:
        return self.grade or self.suggested_grade

    def get_effective_grade_display(self) -> str:
        return str(Grade(self.effective_grade).label)

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.subcategory_id and self.category_id and self.subcategory.parent_id != self.category_id:
            errors["subcategory"] = [_("子类不属于所选类别。")]
        elif (not self.subcategory_id and self.category_id
              and self.category.subcategories.filter(is_active=True).exists()):
            errors["subcategory"] = [_("请选择事件子类。")]
        if self.category_id and self.category.parent_id is not None:
            errors["category"] = [_("请选择一级类别。")]
        if self.started_at and self.detected_at and self.detected_at < self.started_at:
            errors["detected_at"] = [_("发现时间不能早于发生时间。")]
        if errors:
            raise ValidationError(errors)


class IncidentEvent(models.Model):
    """The incident's timeline: one row per step (transition, grading, escalation, plan, disconnection)."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("操作"), max_length=30)
    from_status = models.CharField(_("原状态"), max_length=15, choices=IncidentStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=15, choices=IncidentStatus.choices, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(_("说明"), blank=True, **bounded(NOTE))
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("事件时间线")
        verbose_name_plural = _("事件时间线")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.incident} {self.action}"


class ReviewAction(models.Model):
    """An improvement action decided in the post-incident review, with its owner and deadline."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="review_actions")
    description = models.CharField(_("整改措施"), max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("责任人"), on_delete=models.PROTECT,
                              related_name="+")
    deadline = models.DateField(_("完成期限"), validators=[sane_date])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("复盘整改措施")
        verbose_name_plural = _("复盘整改措施")
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return self.description


# --- Emergency plans -----------------------------------------------------------------------------------------


class EmergencyPlan(models.Model):
    """The emergency plan (应急预案, 000 Art. 16) of one city, district or street; its content lives in versions."""

    region = models.OneToOneField("accounts.Region", verbose_name=_("所属区域"), on_delete=models.PROTECT,
                                  related_name="emergency_plan")
    title = models.CharField(_("预案名称"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_queryset("region__path").as_manager()

    class Meta:
        verbose_name = _("应急预案")
        verbose_name_plural = _("应急预案")
        ordering = ["region__code"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.region_id and self.region.level == "village":
            raise ValidationError({"region": [_("应急预案由市、区、街道（乡镇）制定，居村不单独制定。")]})


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已批准")
    ACTIVE = "active", _("生效中")
    SUPERSEDED = "superseded", _("已废止")


class PlanVersion(models.Model):
    """One version of a plan: organisation, responsibilities, team and the procedure for each grade."""

    plan = models.ForeignKey(EmergencyPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本号"))
    status = models.CharField(_("状态"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT,
                              db_index=True)
    organisation = models.TextField(_("组织体系"), blank=True, **bounded(SECTION))
    responsibilities = models.TextField(_("职责分工"), blank=True, **bounded(SECTION))
    procedure_1 = models.TextField(_("I级响应程序"), blank=True, **bounded(SECTION))
    procedure_2 = models.TextField(_("II级响应程序"), blank=True, **bounded(SECTION))
    procedure_3 = models.TextField(_("III级响应程序"), blank=True, **bounded(SECTION))
    procedure_4 = models.TextField(_("IV级响应程序"), blank=True, **bounded(SECTION))
    change_note = models.TextField(_("修订说明"), blank=True, **bounded(MEDIUM))
    revision_due = models.DateField(_("修订期限"), null=True, blank=True, validators=[sane_date])
    revision_drill = models.ForeignKey("Drill", verbose_name=_("触发修订的演练"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    review_due = models.DateField(_("年度复核日期"), null=True, blank=True, validators=[sane_date])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    activated_at = models.DateTimeField(_("生效时间"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("废止时间"), null=True, blank=True)

    objects = scoped_queryset("plan__region__path").as_manager()

    class Meta:
        verbose_name = _("预案版本")
        verbose_name_plural = _("预案版本")
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number"),
            models.UniqueConstraint(fields=["plan"], condition=Q(status="active"), name="plan_one_active_version"),
            models.UniqueConstraint(fields=["plan"], condition=Q(status__in=["draft", "approved"]),
                                    name="plan_one_open_version"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"

    @property
    def region(self):
        return self.plan.region

    def procedure_for(self, grade: int) -> str:
        return getattr(self, f"procedure_{int(grade)}", "")


class PlanTeamMember(models.Model):
    """A member of the plan's response team: who, their duty and how to reach them (phone encrypted at rest)."""

    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("成员"), on_delete=models.PROTECT,
                             related_name="+")
    duty = models.CharField(_("职责"), max_length=200)
    contact_encrypted = models.TextField(_("联系电话（密文）"), blank=True, editable=False)

    class Meta:
        verbose_name = _("应急队伍成员")
        verbose_name_plural = _("应急队伍成员")
        ordering = ["version", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "user"], name="plan_member_once")]

    def __str__(self) -> str:
        return f"{self.user} · {self.duty}"

    @property
    def contact(self) -> str:
        from shequyun.crypto import decrypt

        return decrypt(self.contact_encrypted)

    @contact.setter
    def contact(self, value: str) -> None:
        from shequyun.crypto import encrypt

        self.contact_encrypted = encrypt((value or "").strip())

    @property
    def contact_masked(self) -> str:
        from shequyun.crypto import mask

        return mask(self.contact)


class PlanEvent(models.Model):
    """History of a plan version (approve, return, activate, supersede, revision opened)."""

    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("操作"), max_length=30)
    from_status = models.CharField(_("原状态"), max_length=12, choices=PlanStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=PlanStatus.choices, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    comment = models.TextField(_("说明"), blank=True, **bounded(NOTE))
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("预案流转记录")
        verbose_name_plural = _("预案流转记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.version} {self.action}"


# --- Drills and training -------------------------------------------------------------------------------------


class DrillStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")
    COMPLETED = "completed", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class Drill(models.Model):
    """An emergency drill (演练, 000 Art. 16, 003 Art. 45) against a plan version."""

    region = models.ForeignKey("accounts.Region", verbose_name=_("组织区域"), on_delete=models.PROTECT,
                               related_name="+")
    plan_version = models.ForeignKey(PlanVersion, verbose_name=_("预案版本"), on_delete=models.PROTECT,
                                     related_name="drills")
    title = models.CharField(_("演练科目"), max_length=200)
    scenario = models.ForeignKey("scenarios.Scenario", verbose_name=_("演练涉及场景"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    planned_on = models.DateField(_("计划日期"), validators=[sane_date])
    held_on = models.DateField(_("实施日期"), null=True, blank=True, validators=[sane_date])
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("参演人员"), blank=True,
                                          related_name="+")
    findings = models.TextField(_("演练发现"), blank=True, **bounded(DOCUMENT))
    revision_required = models.BooleanField(_("须修订预案"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=DrillStatus.choices, default=DrillStatus.PLANNED,
                              db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_queryset("region__path").as_manager()

    class Meta:
        verbose_name = _("应急演练")
        verbose_name_plural = _("应急演练")
        ordering = ["planned_on", "id"]

    def __str__(self) -> str:
        return self.title


class DrillEvent(models.Model):
    drill = models.ForeignKey(Drill, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("操作"), max_length=30)
    from_status = models.CharField(_("原状态"), max_length=10, choices=DrillStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=10, choices=DrillStatus.choices, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    comment = models.TextField(_("说明"), blank=True, **bounded(NOTE))
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("演练流转记录")
        verbose_name_plural = _("演练流转记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.drill} {self.action}"


class Training(models.Model):
    """A training session (000 Art. 15, 17; 003 Art. 46): topic, date, participants, materials."""

    region = models.ForeignKey("accounts.Region", verbose_name=_("组织区域"), on_delete=models.PROTECT,
                               related_name="+")
    topic = models.CharField(_("培训主题"), max_length=200)
    held_on = models.DateField(_("培训日期"), validators=[sane_date])
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("参训人员"), blank=True,
                                          related_name="security_trainings")
    materials = models.TextField(_("培训材料"), blank=True, help_text=_("教材名称、内容管理中的培训材料链接等。"), **bounded(MEDIUM))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_queryset("region__path").as_manager()

    class Meta:
        verbose_name = _("安全培训")
        verbose_name_plural = _("安全培训")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.topic


# --- Assessments (等保 / 密评) and confidentiality agreements -------------------------------------------------


class ProtectionLevel(models.IntegerChoices):
    L1 = 1, _("第一级")
    L2 = 2, _("第二级")
    L3 = 3, _("第三级")
    L4 = 4, _("第四级")


class Assessment(models.Model):
    """A scenario's graded-protection level and test dates (002 Art. 31) and, from level 3, its commercial
    cryptography assessment (密评, 002 Art. 32)."""

    scenario = models.OneToOneField("scenarios.Scenario", verbose_name=_("应用场景"), on_delete=models.PROTECT,
                                    related_name="assessment")
    protection_level = models.PositiveSmallIntegerField(_("等保级别"), choices=ProtectionLevel.choices, null=True,
                                                        blank=True)
    tested_on = models.DateField(_("最近等保测评日期"), null=True, blank=True, validators=[sane_date, not_future])
    next_due_on = models.DateField(_("下次等保测评日期"), null=True, blank=True, validators=[sane_date])
    crypto_assessed_on = models.DateField(_("最近密评日期"), null=True, blank=True, validators=[sane_date, not_future])
    crypto_next_due_on = models.DateField(_("下次密评日期"), null=True, blank=True, validators=[sane_date])
    note = models.TextField(_("备注"), blank=True, **bounded(MEDIUM))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = scoped_queryset("scenario__region__path").as_manager()

    class Meta:
        verbose_name = _("安全测评")
        verbose_name_plural = _("安全测评")
        ordering = ["next_due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(protection_level__isnull=True)
                                   | Q(protection_level__gte=1, protection_level__lte=4),
                                   name="assessment_level_range"),
        ]

    def __str__(self) -> str:
        return f"{self.scenario} · {self.get_protection_level_display() or '未定级'}"

    @property
    def region(self):
        return self.scenario.region

    @property
    def crypto_required(self) -> bool:
        """002 Art. 32: systems at level 3 and above need a commercial cryptography assessment."""
        return bool(self.protection_level and self.protection_level >= 3)

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.tested_on and self.next_due_on and self.next_due_on <= self.tested_on:
            errors["next_due_on"] = [_("下次测评日期须晚于最近测评日期。")]
        if self.crypto_assessed_on and self.crypto_next_due_on and self.crypto_next_due_on <= self.crypto_assessed_on:
            errors["crypto_next_due_on"] = [_("下次密评日期须晚于最近密评日期。")]
        if not self.crypto_required and (self.crypto_assessed_on or self.crypto_next_due_on):
            errors["crypto_assessed_on"] = [_("密评适用于等保第三级及以上的系统。")]
        if errors:
            raise ValidationError(errors)


class ConfidentialityAgreement(models.Model):
    """A vendor's confidentiality agreement (保密协议, 000 Art. 15) for a scenario, with its expiry."""

    scenario = models.ForeignKey("scenarios.Scenario", verbose_name=_("应用场景"), on_delete=models.PROTECT,
                                 related_name="agreements")
    vendor_name = models.CharField(_("签约单位"), max_length=200)
    vendor_credit_code = models.CharField(_("统一社会信用代码"), max_length=18, validators=[credit_code_validator])
    signatory = models.CharField(_("签约人"), max_length=50)
    signed_on = models.DateField(_("签订日期"), validators=[sane_date])
    expires_on = models.DateField(_("到期日期"), validators=[sane_date])
    note = models.TextField(_("备注"), blank=True, **bounded(MEDIUM))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_queryset("scenario__region__path").as_manager()

    class Meta:
        verbose_name = _("保密协议")
        verbose_name_plural = _("保密协议")
        ordering = ["expires_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(expires_on__gt=models.F("signed_on")),
                                              name="agreement_expires_after_signing")]

    def __str__(self) -> str:
        return f"{self.vendor_name} · {self.scenario}"

    @property
    def region(self):
        return self.scenario.region

    def clean(self) -> None:
        if self.signed_on and self.expires_on and self.expires_on <= self.signed_on:
            raise ValidationError({"expires_on": [_("到期日期须晚于签订日期。")]})


class ReminderMark(models.Model):
    """That a reminder stage (30 / 7 days before, overdue) of one object's due date was in a daily digest, so each
    stage is mentioned once (security/services/reminders.py)."""

    kind = models.CharField(_("提醒类型"), max_length=20)
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    due = models.DateField(_("到期日期"), validators=[sane_date])
    stage = models.CharField(_("提醒阶段"), max_length=10)
    created_at = models.DateTimeField(_("提醒时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("到期提醒记录")
        verbose_name_plural = _("到期提醒记录")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id", "due", "stage"],
                                               name="security_reminder_mark_once")]
        indexes = [models.Index(fields=["due"], name="security_reminder_mark_due")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}:{self.due}:{self.stage}"
