"""The hierarchy (Region), the organisations hanging on it, and the users who belong to them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from shequyun.crypto import BlindIndexField, EncryptedTextField
from shequyun.scoping import ScopedQuerySet, scoped_queryset
from shequyun.validators import NOTE, bounded, check_households_population

from .roles import Role

#: Characters one level adds to a materialized path: a 12-digit code and a slash.
PATH_STEP = 13

code_validator = RegexValidator(r"^\d{12}$", _("区划代码应为 12 位数字。"))


class RegionLevel(models.TextChoices):
    CITY = "city", _("市")
    DISTRICT = "district", _("区")
    STREET = "street", _("街道/乡镇")
    VILLAGE = "village", _("居/村")


LEVEL_DEPTH = {RegionLevel.CITY: 0, RegionLevel.DISTRICT: 1, RegionLevel.STREET: 2, RegionLevel.VILLAGE: 3}
LEVEL_BY_DEPTH = {depth: level for level, depth in LEVEL_DEPTH.items()}




class RegionQuerySet(ScopedQuerySet):
    scope_path_lookup = "path"

    def descendant_counts(self, region: Region) -> dict[str, int]:
        """Counts per level of everything below ``region`` (itself excluded): one query."""
        below = self.filter(path__startswith=region.path, depth__gt=region.depth)
        result = below.aggregate(
            **{level: Count("id", filter=Q(level=level)) for level in RegionLevel.values},
        )
        return {level: result[level] for level in RegionLevel.values}

    def child_counts(self, region: Region) -> dict[str, dict[str, int]]:
        """For each child of ``region``: counts per level of everything below that child. One query at any depth."""
        child_path_len = len(region.path) + PATH_STEP
        rows = (
            self.filter(path__startswith=region.path, depth__gt=region.depth + 1)
            .annotate(child_path=Substr("path", 1, child_path_len))
            .values("child_path", "level")
            .annotate(n=Count("id"))
            .order_by()
        )
        counts: dict[str, dict[str, int]] = {}
        for row in rows:
            counts.setdefault(row["child_path"], {})[row["level"]] = row["n"]
        return counts


class Region(models.Model):
    """A node of the four-level tree, identified by its official 12-digit statistical code."""

    code = models.CharField(_("区划代码"), max_length=12, unique=True, validators=[code_validator])
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialized path of codes from the city down to this node, each followed by "/". Unique, so PostgreSQL
    # gets a varchar_pattern_ops index for ``LIKE 'prefix%'`` automatically (see tests/test_regions.py).
    path = models.CharField(_("路径"), max_length=80, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("深度"), editable=False)
    is_placeholder = models.BooleanField(
        _("虚拟单元"), default=False, help_text=_("开发区、农场下的“虚拟社区/虚拟生活区”，不是真实居村委。")
    )
    households = models.PositiveIntegerField(_("登记户数"), null=True, blank=True)
    population = models.PositiveIntegerField(_("常住人口"), null=True, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "code"], name="region_level_code")]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="city", parent__isnull=True) | Q(~Q(level="city"), parent__isnull=False),
                name="region_only_city_is_root",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        check_households_population(self.households, self.population)

    @staticmethod
    def path_for(code: str, parent_path: str = "") -> str:
        return f"{parent_path}{code}/"

    @property
    def ancestor_codes(self) -> list[str]:
        return [part for part in self.path.split("/") if part]

    def ancestors(self, *, include_self: bool = True) -> list[Region]:
        """From the city down (one query)."""
        codes = self.ancestor_codes if include_self else self.ancestor_codes[:-1]
        by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
        return [by_code[c] for c in codes if c in by_code]

    def is_within(self, other: Region) -> bool:
        """Tree relation between two regions (for a *user's* scope use ``shequyun.scoping.in_scope``)."""
        return self.path.startswith(other.path)


class OrganisationKind(models.TextChoices):
    COMPETENT_DEPT = "competent_dept", _("主管部门")
    OPERATIONS_OFFICE = "operations_office", _("运营管理部门")
    FUNCTIONAL_DEPT = "functional_dept", _("职能部门")
    COMMITTEE = "committee", _("居/村委会")
    VENDOR = "vendor", _("开发商/技术公司")


class Organisation(models.Model):
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=20, choices=OrganisationKind.choices)
    region = models.ForeignKey(Region, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="organisations")
    unified_social_credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True,
        validators=[RegexValidator(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$", _("统一社会信用代码格式不正确。"))],
    )
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = scoped_queryset("region__path").as_manager()

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["region__code", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="organisation_unique_name_in_region")]

    def __str__(self) -> str:
        return self.name


class UserQuerySet(ScopedQuerySet):
    scope_path_lookup = "region__path"


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> UserQuerySet:
        # The region is needed on every request (scoping), so it is always fetched with the user.
        return super().get_queryset().select_related("region", "organisation")

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # DESIGN §10: the bootstrap superuser sits at city level.
        if extra_fields.get("region") is None and extra_fields.get("region_id") is None:
            extra_fields["region"] = Region.objects.filter(level=RegionLevel.CITY).first()
        return super().create_superuser(username, email, password, **extra_fields)


class FontScale(models.IntegerChoices):
    NORMAL = 100, _("标准")
    LARGE = 125, _("大字 125%")
    LARGER = 150, _("大字 150%")


class User(AbstractUser):
    """A member of staff. Belongs to one organisation and so to one region; disabled, never deleted."""

    full_name = models.CharField(_("姓名"), max_length=100, blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所属组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    # Denormalised from the organisation so that the scoping rule is one join away; kept equal by clean().
    region = models.ForeignKey(
        Region, verbose_name=_("所属区域"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    # Personal data, SM4-GCM encrypted at rest (shequyun/crypto.py): plaintext here, ciphertext in the database.
    phone = EncryptedTextField(_("手机号"), blank=True, editable=False, db_column="phone_encrypted")
    phone_index = BlindIndexField(_("手机号索引"), source="phone", db_index=True)
    id_number = EncryptedTextField(_("身份证号"), blank=True, editable=False, db_column="id_number_encrypted")
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    font_scale = models.PositiveSmallIntegerField(_("字号"), choices=FontScale.choices, default=FontScale.NORMAL)
    # The person's identifier on the unified identity platform (统一身份认证, accounts/oidc.py); set by an account
    # admin (accounts/identity.py), never by the platform. NULL when not linked, so that it can be unique.
    platform_id = models.CharField(_("统一身份标识"), max_length=255, unique=True, null=True, blank=True)

    objects = UserManager()
    # DESIGN §10: `createsuperuser --noinput` with only DJANGO_SUPERUSER_USERNAME/PASSWORD; e-mail is optional.
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        if self.organisation_id and self.region_id is None:
            self.region = self.organisation.region
        if self.organisation_id and self.region_id != self.organisation.region_id:
            from django.core.exceptions import ValidationError

            raise ValidationError({"organisation": _("所属组织必须位于用户所属区域。")})

    @property
    def password_expires_at(self):
        from datetime import timedelta

        from django.conf import settings

        if self.password_changed_at is None:
            return None
        return self.password_changed_at + timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)

    @property
    def password_expired(self) -> bool:
        from django.utils import timezone

        expires = self.password_expires_at
        return expires is not None and expires <= timezone.now()

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @cached_property
    def role_slugs(self) -> list[str]:
        """Role slugs, cached on the instance (services that change roles drop the cache)."""
        names = {g.name for g in self.groups.all()}
        return [r.value for r in Role if r.value in names]

    def has_role(self, role: Role) -> bool:
        return role.value in self.role_slugs


class PasswordHistory(models.Model):
    """Hashes of a user's previous passwords: a new password may not be one of the last five."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d}"


class AnomalyKind(models.TextChoices):
    USER_REPORT = "user_report", _("用户报告")
    FAILED_BURST = "failed_burst", _("短时间内多次登录失败")
    ODD_HOURS = "odd_hours", _("非工作时间登录")
    LOCKED_OUT = "locked_out", _("账号被锁定")


class AnomalyStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    RESOLVED = "resolved", _("已处理")


class AccountAnomaly(models.Model):
    """An account anomaly (账号异常): reported by the user, or flagged by the system; it reaches the admin."""

    account = models.ForeignKey(User, verbose_name=_("账号"), on_delete=models.PROTECT, related_name="anomalies")
    kind = models.CharField(_("类型"), max_length=20, choices=AnomalyKind.choices)
    description = models.TextField(_("情况说明"), blank=True, **bounded(NOTE))
    reported_by = models.ForeignKey(
        User, verbose_name=_("报告人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=10, choices=AnomalyStatus.choices, default=AnomalyStatus.OPEN)
    dedupe_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    resolved_by = models.ForeignKey(
        User, verbose_name=_("处理人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolution = models.TextField(_("处理说明"), blank=True, **bounded(NOTE))

    objects = scoped_queryset("account__region__path").as_manager()

    class Meta:
        verbose_name = _("账号异常")
        verbose_name_plural = _("账号异常")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "dedupe_key"], condition=~Q(dedupe_key=""), name="anomaly_once_per_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.account}"


class AnomalyEvent(models.Model):
    """One row per anomaly transition (resolve, reopen): who, when, from, to and the note. Never updated, so an
    earlier resolution stays on record when the anomaly is reopened and resolved again."""

    anomaly = models.ForeignKey(AccountAnomaly, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("操作"), max_length=30)
    from_status = models.CharField(_("原状态"), max_length=10, choices=AnomalyStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=10, choices=AnomalyStatus.choices)
    actor = models.ForeignKey(User, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(_("说明"), blank=True, **bounded(NOTE))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("账号异常处理记录")
        verbose_name_plural = _("账号异常处理记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.anomaly_id} {self.from_status}→{self.to_status}"
