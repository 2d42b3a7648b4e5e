"""Writes on user accounts: every one checks the tiered rule, validates, audits and notifies.

Kept apart from accounts/services.py (reference data) for readability; both are the accounts app's service layer.
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from shequyun.audit import AuditEventType, acting_as, record_bulk_change, record_event
from shequyun.crypto import normalise
from shequyun.notifications.services import notify
from shequyun.workflow import Transition, Workflow, transition

from ..gate import second_factor_required
from ..identity import clean_platform_id, record_link_change
from ..models import (
    AccountAnomaly,
    AnomalyEvent,
    AnomalyKind,
    Organisation,
    OrganisationKind,
    PasswordHistory,
    Region,
    RegionLevel,
    User,
)
from ..permissions import AccountAction, can_manage_account, roles_allowed
from ..roles import Role
from ..transitions import ANOMALY_TRANSITIONS

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@+-]{3,150}$")


def generate_password(length: int = 12) -> str:
    """A random initial password that satisfies the policy (letters, digits, specials)."""
    alphabet = string.ascii_letters + string.digits
    specials = "#@%&*!"
    while True:
        chars = [secrets.choice(alphabet) for _ in range(length - 2)] + [secrets.choice(specials), secrets.choice(string.digits)]
        secrets.SystemRandom().shuffle(chars)
        candidate = "".join(chars)
        # It starts with a letter: a spreadsheet escapes a leading = + - @ (formula injection), and the password
        # sheet must show exactly what to type.
        if candidate[0].isalpha():
            return candidate


def valid_id_number(value: str) -> bool:
    """GB 11643 citizen ID: 17 digits and a check character."""
    value = value.upper()
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11] == value[17]


def _require(actor: Any, *, region: Region, is_admin: bool, action: str) -> None:
    if not can_manage_account(actor, region=region, is_admin=is_admin, action=action):
        raise PermissionDenied(_("您无权管理该账号：账号由其上一级账号管理员逐级管理。"))


def _is_admin(user: User) -> bool:
    return Role.ACCOUNT_ADMIN.value in user.role_slugs


def _clean_personal(errors: dict[str, list[str]], *, phone: str | None, id_number: str | None, email: str | None) -> None:
    if phone and not PHONE_RE.match(phone):
        errors.setdefault("phone", []).append(_("手机号应为 11 位数字，以 1 开头。"))
    if id_number and not valid_id_number(id_number):
        errors.setdefault("id_number", []).append(_("身份证号格式或校验位不正确。"))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("email", []).append(_("电子邮箱格式不正确。"))


def _organisation_for(region: Region, organisation: Organisation | None, errors: dict[str, list[str]]) -> Organisation | None:
    if organisation is not None:
        if organisation.region_id != region.pk:
            errors.setdefault("organisation", []).append(_("所属组织必须位于账号所属区域。"))
        return organisation
    if region.level == RegionLevel.VILLAGE:
        # A village account belongs to its committee; the committee organisation is created when the account is
        # saved (see _save_organisation), never during validation.
        existing = Organisation.objects.filter(region=region, kind=OrganisationKind.COMMITTEE).order_by("pk").first()
        return existing or Organisation(region=region, name=region.name, kind=OrganisationKind.COMMITTEE)
    existing = Organisation.objects.filter(region=region, is_active=True).order_by("pk").first()
    if existing is None:
        errors.setdefault("organisation", []).append(_("该区域还没有组织，请先选择或建立所属组织。"))
    return existing


def _save_organisation(user: User) -> None:
    if user.organisation is not None and user.organisation.pk is None:
        user.organisation = Organisation.objects.get_or_create(
            region=user.organisation.region, name=user.organisation.name, defaults={"kind": user.organisation.kind}
        )[0]


def _validate_roles(region: Region, roles: Iterable[str], errors: dict[str, list[str]]) -> set[str]:
    roles = set(roles)
    unknown = roles - set(Role.values)
    if unknown:
        errors.setdefault("roles", []).append(_("未知角色：%(roles)s") % {"roles": "、".join(sorted(unknown))})
    problem = roles_allowed(region=region, roles=roles)
    if problem:
        errors.setdefault("roles", []).append(problem)
    return roles & set(Role.values)


def _set_password(user: User, raw: str, *, must_change: bool) -> None:
    if user.pk and user.password:
        PasswordHistory.objects.create(user=user, password=user.password)
    user.set_password(raw)
    user.must_change_password = must_change
    user.password_changed_at = timezone.now()


def _revoke_access(user: User) -> None:
    """Tokens stop working at once; sessions already fail (Django refuses inactive users on every request)."""
    Token.objects.filter(user=user).delete()


def account_managers(user: User) -> list[User]:
    """Who manages this account under the tiered rule: they receive its anomalies and lock alerts."""
    region = user.region
    if region is None:
        return []
    if _is_admin(user) or region.level == RegionLevel.VILLAGE:
        region = region.parent
    if region is None:
        return list(User.objects.filter(is_superuser=True, is_active=True))
    return [
        admin for admin in User.objects.filter(region=region, is_active=True, groups__name=Role.ACCOUNT_ADMIN.value)
        if admin.pk != user.pk
    ]


def account_prepare(
    *, actor: Any, username: str, full_name: str, region: Region, roles: Iterable[str] = (Role.STAFF.value,),
    organisation: Organisation | None = None, email: str = "", phone: str = "", id_number: str = "",
    password: str | None = None, taken_usernames: set[str] | None = None, platform_id: str = "",
    taken_platform_ids: set[str] | None = None, permission_as_error: bool = False,
) -> tuple[User, set[str], str | None]:
    """Validate a new account without saving it: permission (raises PermissionDenied), then every field (raises
    ValidationError naming the fields). Used by :func:`user_create` and by the bulk import's validation report.
    ``permission_as_error`` (the browser form): the permission problem is one more field error (on the roles when
    an admin account is asked for, else on the region), so that the form reports everything in one round."""
    roles = set(roles) or {Role.STAFF.value}
    errors: dict[str, list[str]] = {}
    try:
        _require(actor, region=region, is_admin=Role.ACCOUNT_ADMIN.value in roles, action=AccountAction.CREATE)
    except PermissionDenied as exc:
        if not permission_as_error:
            raise
        errors.setdefault("roles" if Role.ACCOUNT_ADMIN.value in roles else "region", []).append(str(exc))
    username = (username or "").strip()
    if not USERNAME_RE.match(username):
        errors.setdefault("username", []).append(_("用户名为 3–150 位字母、数字或 _ . @ + -。"))
    elif (taken_usernames is not None and username.lower() in taken_usernames) or (
        taken_usernames is None and User.objects.filter(username__iexact=username).exists()
    ):
        errors.setdefault("username", []).append(_("该用户名已被使用。"))
    if not (full_name or "").strip():
        errors.setdefault("full_name", []).append(_("请填写姓名。"))
    roles = _validate_roles(region, roles, errors)
    _clean_personal(errors, phone=phone, id_number=id_number, email=email)
    organisation = _organisation_for(region, organisation, errors)
    user = User(username=username, full_name=(full_name or "").strip(), region=region, organisation=organisation,
                email=email or "", platform_id=clean_platform_id(platform_id, errors, taken=taken_platform_ids))
    if password:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            errors.setdefault("password", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    user.phone = (phone or "").strip()
    user.id_number = normalise(id_number or "")
    return user, roles, password or None


@transaction.atomic
def user_create(*, actor: Any, password: str | None = None, **fields: Any) -> tuple[User, str | None]:
    """Open an account. Returns the user and the one-time initial password (None when one was given)."""
    user, roles, password = account_prepare(actor=actor, password=password, **fields)
    initial = None
    if password is None:
        initial = password = generate_password()
    _set_password(user, password, must_change=True)
    with acting_as(actor):
        _save_organisation(user)
        user.save()
        user.groups.set(Group.objects.filter(name__in=roles))
    record_event(AuditEventType.ACCOUNT_CREATED, actor=actor, target=user, roles=sorted(roles))
    record_link_change(actor=actor, user=user, before=None, after=user.platform_id)
    return user, initial


@transaction.atomic
def user_update(
    *, actor: Any, user: User, full_name: str | None = None, email: str | None = None, phone: str | None = None,
    id_number: str | None = None, organisation: Organisation | None = None, platform_id: str | None = None,
) -> User:
    """``platform_id``: the unified identity link (accounts/identity.py); None keeps it, "" removes it."""
    _require(actor, region=user.region, is_admin=_is_admin(user), action=AccountAction.EDIT)
    errors: dict[str, list[str]] = {}
    _clean_personal(errors, phone=phone, id_number=id_number, email=email)
    linked_before = user.platform_id
    linked_after = clean_platform_id(platform_id, errors, user=user) if platform_id is not None else linked_before
    if full_name is not None and not full_name.strip():
        errors.setdefault("full_name", []).append(_("请填写姓名。"))
    if organisation is not None and organisation.region_id != user.region_id:
        errors.setdefault("organisation", []).append(_("所属组织必须位于账号所属区域。"))
    if errors:
        raise ValidationError(errors)
    changed = []
    if full_name is not None:
        user.full_name = full_name.strip()
        changed.append("full_name")
    if email is not None:
        user.email = email
        changed.append("email")
    if phone is not None:
        user.phone = phone.strip()
        changed += ["phone", "phone_index"]
    if id_number is not None:
        user.id_number = normalise(id_number)
        changed.append("id_number")
    if organisation is not None:
        user.organisation = organisation
        changed.append("organisation")
    if linked_after != linked_before:
        user.platform_id = linked_after
        changed.append("platform_id")
    if changed:
        try:
            with acting_as(actor), transaction.atomic():
                user.save(update_fields=changed)
        except IntegrityError as exc:  # linked to another account at the same moment
            raise ValidationError({"platform_id": [_("该统一身份标识已关联其他账号。")]}) from exc
        record_link_change(actor=actor, user=user, before=linked_before, after=linked_after)
        # Which fields changed, never their values (personal data stays out of the audit trail).
        record_event(AuditEventType.ACCOUNT_UPDATED, actor=actor, target=user,
                     fields=sorted({f.removesuffix("_index") for f in changed}))
    return user


@transaction.atomic
def user_disable(*, actor: Any, user: User, reason: str = "") -> User:
    """Disable, never delete: history stays attributed; tokens and sessions stop working at once."""
    _require(actor, region=user.region, is_admin=_is_admin(user), action=AccountAction.DISABLE)
    if user.pk == getattr(actor, "pk", None):
        raise ValidationError({"is_active": [_("不能停用自己的账号。")]})
    user = User.objects.select_for_update(of=("self",)).get(pk=user.pk)
    if user.is_active:
        user.is_active = False
        with acting_as(actor):
            user.save(update_fields=["is_active"])
        _revoke_access(user)
        record_event(AuditEventType.ACCOUNT_DISABLED, actor=actor, target=user, reason=reason)
    return user


@transaction.atomic
def user_enable(*, actor: Any, user: User) -> User:
    _require(actor, region=user.region, is_admin=_is_admin(user), action=AccountAction.ENABLE)
    user = User.objects.select_for_update(of=("self",)).get(pk=user.pk)
    if not user.is_active:
        user.is_active = True
        with acting_as(actor):
            user.save(update_fields=["is_active"])
        record_event(AuditEventType.ACCOUNT_ENABLED, actor=actor, target=user)
    return user


@transaction.atomic
def user_reset_password(*, actor: Any, user: User) -> str:
    """A new one-time password; the user must change it at the next sign-in. Unlocks the account too."""
    _require(actor, region=user.region, is_admin=_is_admin(user), action=AccountAction.RESET_PASSWORD)
    password = generate_password()
    _set_password(user, password, must_change=True)
    with acting_as(actor):
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    _revoke_access(user)
    _axes_reset(user)
    record_event(AuditEventType.PASSWORD_RESET, actor=actor, target=user)
    return password


def _axes_reset(user: User) -> None:
    from axes.utils import reset

    reset(username=user.username)


def lockouts() -> QuerySet:
    """The sign-in lockouts in force: django-axes attempts at the failure limit within the cool-off (the one place
    that says what "locked" means)."""
    from axes.models import AccessAttempt

    return AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
                                        attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)


def user_is_locked(user: User) -> bool:
    return lockouts().filter(username=user.username).exists()


def locked_usernames(usernames: Iterable[str]) -> set[str]:
    """Which of these accounts are locked right now (one query, for list pages)."""
    return set(lockouts().filter(username__in=list(usernames)).values_list("username", flat=True))


@transaction.atomic
def user_unlock(*, actor: Any, user: User) -> None:
    _require(actor, region=user.region, is_admin=_is_admin(user), action=AccountAction.UNLOCK)
    _axes_reset(user)
    record_event(AuditEventType.ACCOUNT_UNLOCKED, actor=actor, target=user)


@transaction.atomic
def user_assign_roles(*, actor: Any, user: User, roles: Iterable[str]) -> User:
    """Change roles within the same tiered rule: the actor must manage the account before and after."""
    roles = set(roles)
    _require(actor, region=user.region, is_admin=_is_admin(user), action=AccountAction.ASSIGN_ROLES)
    _require(actor, region=user.region, is_admin=Role.ACCOUNT_ADMIN.value in roles, action=AccountAction.ASSIGN_ROLES)
    errors: dict[str, list[str]] = {}
    if not roles:
        errors.setdefault("roles", []).append(_("至少选择一个角色。"))
    roles = _validate_roles(user.region, roles, errors)
    if errors:
        raise ValidationError(errors)
    before = sorted(user.role_slugs)
    needed_second_factor = second_factor_required(user)
    with acting_as(actor):
        user.groups.set(Group.objects.filter(name__in=roles))
    user.__dict__.pop("role_slugs", None)
    if second_factor_required(user) and not needed_second_factor:
        Token.objects.filter(user=user).delete()  # a token issued on the password alone must not outlive the change
    record_event(AuditEventType.ROLES_ASSIGNED, actor=actor, target=user, before=before, after=sorted(roles))
    return user


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str, request: Any = None) -> User:
    """A user changes their own password (first sign-in, after a reset, after expiry, or at will)."""
    errors: dict[str, list[str]] = {}
    if not user.check_password(old_password or ""):
        errors["old_password"] = [_("当前密码不正确。")]
    elif old_password == new_password:
        errors["new_password"] = [_("新密码不能与当前密码相同。")]
    else:
        try:
            password_validation.validate_password(new_password or "", user)
        except ValidationError as exc:
            errors["new_password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    _set_password(user, new_password, must_change=False)
    with acting_as(user):
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    record_event(AuditEventType.PASSWORD_CHANGED, actor=user, request=request)
    return user


@transaction.atomic
@transaction.atomic
def admin_user_save(*, actor: Any, user: User) -> User:
    """The Django admin's add/change of an account (bootstrap superuser only; its form applies the role rules):
    saved as that superuser, so django-auditlog names the actor."""
    if not (actor is not None and actor.is_active and actor.is_superuser):
        raise PermissionDenied(_("只有系统管理员可以在后台维护账号。"))
    with acting_as(actor):
        user.save()
    return user


def otp_device_pending(*, user: User) -> Any:
    """The user's unconfirmed TOTP device (created on first visit of the enrolment page)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)


def otp_device_confirm(*, user: User, device: Any, request: Any = None) -> None:
    """The first correct code confirms the device; audited."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record_event(AuditEventType.OTP_ENROLLED, actor=user, request=request)


def anomaly_report(*, actor: User, description: str) -> AccountAnomaly:
    """A user reports something wrong with their own account; it reaches the account's admins."""
    description = (description or "").strip()
    if len(description) < 5:
        raise ValidationError({"description": [_("请简要说明异常情况（至少 5 个字）。")]})
    anomaly = AccountAnomaly.objects.create(account=actor, kind=AnomalyKind.USER_REPORT, description=description[:2000],
                                            reported_by=actor)
    _notify_anomaly(anomaly)
    record_event(AuditEventType.ANOMALY_REPORTED, actor=actor, target=anomaly, kind=anomaly.kind)
    return anomaly


def anomaly_flag(*, account: User, kind: str, description: str, dedupe_key: str) -> AccountAnomaly | None:
    """A system-detected anomaly (failure bursts, odd hours, lockouts); once per ``dedupe_key``."""
    anomaly, created = AccountAnomaly.objects.get_or_create(
        account=account, dedupe_key=dedupe_key, defaults={"kind": kind, "description": description}
    )
    if created:
        _notify_anomaly(anomaly)
        record_event(AuditEventType.ANOMALY_REPORTED, target=anomaly, region_path=account.region.path if account.region else "",
                     kind=kind)
        return anomaly
    return None


def _notify_anomaly(anomaly: AccountAnomaly) -> None:
    notify(
        recipients=account_managers(anomaly.account),
        title=_("账号异常：%(user)s（%(kind)s）") % {"user": anomaly.account.display_name, "kind": anomaly.get_kind_display()},
        body=anomaly.description,
        url=f"/accounts/manage/{anomaly.account.pk}/",
        target=anomaly,
    )


def _record_anomaly(anomaly: AccountAnomaly, step: Transition, actor: Any, comment: str, previous: str,
                    **extra: Any) -> None:
    AnomalyEvent.objects.create(anomaly=anomaly, action=step.action, from_status=previous, to_status=step.target,
                                actor=actor, comment=comment or "")


def _after_anomaly(anomaly: AccountAnomaly, step: Transition, actor: Any, comment: str) -> None:
    """A reopened anomaly is back in its handlers' queue: tell them (not the one who reopened it)."""
    if step.action != "reopen":
        return
    notify(
        recipients=[u for u in ANOMALY_WORKFLOW.next_actors(anomaly) if u.pk != getattr(actor, "pk", None)],
        title=_("账号异常重新打开：%(user)s（%(kind)s）") % {"user": anomaly.account.display_name,
                                                       "kind": anomaly.get_kind_display()},
        body=comment, url="/accounts/manage/anomalies/", target=anomaly,
    )


ANOMALY_WORKFLOW = Workflow(name="anomaly", transitions=ANOMALY_TRANSITIONS, record=_record_anomaly,
                            after=_after_anomaly)


def anomaly_transition(*, actor: Any, anomaly: AccountAnomaly, action: str, comment: str = "") -> AccountAnomaly:
    """Resolve (with a note) or reopen (with a reason) through the anomaly table: 409 in the wrong state, 403 for
    someone who does not manage the account, 400 without a note. Each step is a history row (AnomalyEvent);
    ``resolution``/``resolved_by``/``resolved_at`` mirror the latest resolution."""
    comment = (comment or "").strip()

    def mirror(locked: AccountAnomaly, step: Transition) -> list[str]:
        if step.action == "resolve":
            locked.resolution, locked.resolved_by, locked.resolved_at = comment, actor, timezone.now()
        else:
            locked.resolution, locked.resolved_by, locked.resolved_at = "", None, None
        return ["resolution", "resolved_by", "resolved_at"]

    return transition(ANOMALY_WORKFLOW, obj=anomaly, action=action, actor=actor, comment=comment, extra_update=mirror)


def anomaly_resolve(*, actor: Any, anomaly: AccountAnomaly, resolution: str) -> AccountAnomaly:
    return anomaly_transition(actor=actor, anomaly=anomaly, action="resolve", comment=resolution)


def anomaly_reopen(*, actor: Any, anomaly: AccountAnomaly, comment: str) -> AccountAnomaly:
    return anomaly_transition(actor=actor, anomaly=anomaly, action="reopen", comment=comment)


def anomaly_history(anomaly: AccountAnomaly):  # type: ignore[no-untyped-def]
    return anomaly.events.select_related("actor").order_by("created_at", "id")


def password_expiry_reminders(*, today: Any = None, batch_size: int = 2000) -> int:
    """Remind users 7, 3 and 1 days before their password expires, and force a change once it has.
    Idempotent (one reminder per user, threshold and expiry date) and batched: a constant number of queries per
    batch of users, never one per user."""
    now = timezone.now()
    today = today or timezone.localdate(now)
    max_age = timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)
    sent = 0
    for days in settings.PASSWORD_REMINDER_DAYS:
        expiry_day = today + timedelta(days=days)
        start = timezone.make_aware(timezone.datetime.combine(expiry_day, timezone.datetime.min.time())) - max_age
        end = start + timedelta(days=1)
        ids = User.objects.filter(is_active=True, password_changed_at__gte=start, password_changed_at__lt=end).values_list(
            "pk", flat=True
        ).order_by("pk")
        batch: list[int] = []
        for pk in ids.iterator(chunk_size=batch_size):
            batch.append(pk)
            if len(batch) >= batch_size:
                sent += _remind(batch, days, expiry_day)
                batch = []
        if batch:
            sent += _remind(batch, days, expiry_day)
    expired = list(User.objects.filter(is_active=True, must_change_password=False,
                                       password_changed_at__lte=now - max_age).values_list("pk", flat=True))
    for ids in (expired[i:i + batch_size] for i in range(0, len(expired), batch_size)):
        with transaction.atomic():  # one audit row per batch (auditlog does not see QuerySet.update)
            User.objects.filter(pk__in=ids).update(must_change_password=True)
            record_bulk_change(model=User, ids=ids, action="update", reason="password_expired",
                               changes={"must_change_password": True})
    return sent


def _remind(ids: list[int], days: int, expiry_day: Any) -> int:
    users = User.objects.filter(pk__in=ids).select_related(None).only("pk", "is_active", "email")
    created = notify(
        recipients=users,
        title=_("您的密码将在 %(days)d 天后（%(date)s）过期") % {"days": days, "date": expiry_day.isoformat()},
        body=_("按规定密码至少每 30 天修改一次。请登录社区云运营管理门户修改密码，过期后须先修改密码才能继续使用。"),
        url="/accounts/password/",
        dedupe_key=f"password-expiry:{days}:{expiry_day.isoformat()}",
    )
    return len(created)
