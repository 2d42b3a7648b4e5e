"""Bulk provisioning of village accounts from a spreadsheet (DESIGN §3): a row-by-row validation report first,
then an all-or-nothing commit. 6,000 rows take seconds: validation is batched (one query for taken usernames, one
for regions) and the commit uses bulk inserts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from shequyun.audit import AuditEventType, record_bulk_change, record_event
from shequyun.spreadsheets import read_table

from ..identity import record_imported_links, taken_platform_ids
from ..models import Organisation, OrganisationKind, Region, RegionLevel, User
from ..roles import Role
from .accounts import account_prepare, generate_password

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
COLUMNS = {
    "username": ("用户名", "username"),
    "full_name": ("姓名", "full_name", "name"),
    "region": ("区划代码", "居村区划代码", "region", "region_code"),
    "phone": ("手机号", "phone"),
    "id_number": ("身份证号", "id_number"),
    "email": ("电子邮箱", "邮箱", "email"),
    "roles": ("角色", "roles"),
    "platform_id": ("统一身份标识", "platform_id"),
}
ROLE_NAMES = {str(label): value for value, label in Role.choices} | {v: v for v in Role.values}
# Initial one-time passwords are 12 random characters (about 71 bits) and must be changed at first sign-in, where
# Django re-hashes them at full strength; a lighter PBKDF2 work factor for them keeps a 6,000-row import in seconds.
INITIAL_PASSWORD_ITERATIONS = 2_000


@dataclass
class RowError:
    row: int
    field: str
    message: str


@dataclass
class ImportReport:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors


def parse_spreadsheet(*, name: str, content: bytes) -> list[dict[str, Any]]:
    """Rows as dicts keyed by our field names, each with its spreadsheet row number (the shared bounded reader:
    type sniffed from the bytes, size, unpacked size and row cap checked before the rows are read)."""
    return read_table(content=content, columns=COLUMNS, required=["username", "full_name", "region"],
                      max_rows=MAX_ROWS, max_bytes=MAX_BYTES)


def _split_roles(value: str) -> list[str]:
    parts = [p.strip() for p in value.replace("，", ",").replace("、", ",").split(",") if p.strip()]
    return [ROLE_NAMES.get(p, p) for p in parts] or [Role.STAFF.value]


def import_validate(*, actor: Any, rows: list[dict[str, Any]]) -> ImportReport:
    """Check every row with the same rules as a single account; nothing is saved."""
    report = ImportReport()
    regions = {r.code: r for r in Region.objects.filter(code__in={r.get("region", "") for r in rows})}
    lowered = {r.get("username", "").lower() for r in rows if r.get("username")}
    taken = set(User.objects.annotate(lowered=Lower("username")).filter(lowered__in=lowered).values_list("lowered", flat=True))
    committees = {
        o.region_id: o for o in Organisation.objects.filter(region__in=regions.values(), kind=OrganisationKind.COMMITTEE)
    }
    seen: set[str] = set()
    linked = taken_platform_ids(r.get("platform_id", "") for r in rows)
    seen_links: set[str] = set()
    for row in rows:
        number = row["_row"]
        region = regions.get(row.get("region", ""))
        if region is None:
            report.errors.append(RowError(number, "区划代码", _("区划代码 %(c)s 不存在。") % {"c": row.get("region", "")}))
            continue
        name = row.get("username", "").lower()
        if name and name in seen:
            report.errors.append(RowError(number, "用户名", _("与文件中前面的行重复。")))
            continue
        link = (row.get("platform_id") or "").strip()
        if link and link in seen_links:
            report.errors.append(RowError(number, "统一身份标识", _("与文件中前面的行重复。")))
            continue
        try:
            user, roles, _pw = account_prepare(
                actor=actor, username=row.get("username", ""), full_name=row.get("full_name", ""), region=region,
                roles=_split_roles(row.get("roles", "")), email=row.get("email", ""),
                organisation=_committee(committees, region) if region.level == RegionLevel.VILLAGE else None, phone=row.get("phone", ""),
                id_number=row.get("id_number", ""), taken_usernames=taken, platform_id=link,
                taken_platform_ids=linked,
            )
        except PermissionDenied:
            report.errors.append(RowError(number, "区划代码", _("您无权为 %(r)s 开通该账号。") % {"r": region.name}))
            continue
        except ValidationError as exc:
            labels = {"username": "用户名", "full_name": "姓名", "roles": "角色", "phone": "手机号", "id_number": "身份证号",
                      "email": "电子邮箱", "organisation": "所属组织", "platform_id": "统一身份标识"}
            for field_name, messages in exc.message_dict.items():
                for message in messages:
                    report.errors.append(RowError(number, labels.get(field_name, field_name), message))
            continue
        seen.add(name)
        if link:
            seen_links.add(link)
        report.rows.append({"user": user, "roles": roles, "_row": number})
    return report


def _committee(committees: dict[int, Organisation], region: Region) -> Organisation:
    """The village's committee organisation; an unsaved one (created at commit) when it does not exist yet."""
    if region.pk not in committees:
        committees[region.pk] = Organisation(region=region, name=region.name, kind=OrganisationKind.COMMITTEE)
    return committees[region.pk]


@transaction.atomic
def import_commit(*, actor: Any, rows: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """Validate again and create every account, or none. Returns (username, full name, initial password) rows."""
    report = import_validate(actor=actor, rows=rows)
    if not report.ok:
        raise ValidationError({"file": [_("表格有 %(n)d 处错误，未导入任何账号。") % {"n": len(report.errors)}]})
    new_orgs = {id(i["user"].organisation): i["user"].organisation for i in report.rows if i["user"].organisation.pk is None}
    by_region = {}
    for org in new_orgs.values():
        by_region.setdefault(org.region_id, org)
    known = set(Organisation.objects.filter(region_id__in=by_region, kind=OrganisationKind.COMMITTEE)
                .values_list("pk", flat=True))
    Organisation.objects.bulk_create(list(by_region.values()), ignore_conflicts=True)
    saved = {o.region_id: o for o in Organisation.objects.filter(region_id__in=by_region, kind=OrganisationKind.COMMITTEE)}
    record_bulk_change(model=Organisation, ids=sorted({o.pk for o in saved.values()} - known), action="create",
                       actor=actor, reason="accounts_import")
    for item in report.rows:
        if item["user"].organisation.pk is None:
            item["user"].organisation = saved[item["user"].organisation.region_id]
    hasher = get_hasher()
    now = timezone.now()
    credentials = []
    users = []
    for item in report.rows:
        user: User = item["user"]
        password = generate_password()
        if isinstance(hasher, PBKDF2PasswordHasher):
            user.password = hasher.encode(password, hasher.salt(), iterations=INITIAL_PASSWORD_ITERATIONS)
        else:
            user.password = hasher.encode(password, hasher.salt())
        user.must_change_password = True
        user.password_changed_at = now
        users.append(user)
        credentials.append((user.username, user.full_name, password))
    User.objects.bulk_create(users, batch_size=1000)
    by_name = dict(User.objects.filter(username__in=[u.username for u in users]).values_list("username", "pk"))
    groups = {g.name: g.pk for g in Group.objects.filter(name__in=Role.values)}
    through = User.groups.through
    through.objects.bulk_create(
        [through(user_id=by_name[item["user"].username], group_id=groups[r]) for item in report.rows for r in item["roles"]],
        batch_size=2000,
    )
    # bulk_create bypasses django-auditlog's signals, so the import itself is the audit record.
    record_bulk_change(model=User, ids=sorted(by_name.values()), action="create", actor=actor,
                       reason="accounts_import", changes={"must_change_password": True, "roles": sorted(
                           {r for item in report.rows for r in item["roles"]})})
    record_event(AuditEventType.ACCOUNTS_IMPORTED, actor=actor, count=len(users),
                 usernames=[u.username for u in users][:10_000])
    record_imported_links(actor=actor, users=users)
    return credentials
