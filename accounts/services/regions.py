"""Writes of the accounts app: loading the hierarchy, organisations and users."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from accounts.selectors import region_directory_changed
from shequyun.audit import AuditEventType, record_bulk_change, record_event

from ..models import LEVEL_DEPTH, Organisation, Region, RegionLevel

PLACEHOLDER_MARKERS = ("虚拟社区", "虚拟生活区")


class DivisionFileError(ValueError):
    """The divisions file is malformed; the message names the line and the field."""


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    missing_from_file: list[str] = field(default_factory=list)
    per_level: dict[str, int] = field(default_factory=dict)


def _read_divisions(csv_path: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    with open(csv_path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        expected = {"code", "name", "level", "parent_code"}
        if set(reader.fieldnames or []) != expected:
            raise DivisionFileError(f"header must be {sorted(expected)}, got {reader.fieldnames}")
        seen: set[str] = set()
        for line_no, row in enumerate(reader, start=2):
            code, name, level, parent = (row[k].strip() for k in ("code", "name", "level", "parent_code"))
            if len(code) != 12 or not code.isdigit():
                raise DivisionFileError(f"line {line_no}: code {code!r} is not 12 digits")
            if level not in RegionLevel.values:
                raise DivisionFileError(f"line {line_no}: level {level!r} is not one of {RegionLevel.values}")
            if not name:
                raise DivisionFileError(f"line {line_no}: name is empty")
            if (level == RegionLevel.CITY) != (parent == ""):
                raise DivisionFileError(f"line {line_no}: only the city has no parent_code")
            if code in seen:
                raise DivisionFileError(f"line {line_no}: code {code} appears twice")
            seen.add(code)
            rows.append({"code": code, "name": name, "level": level, "parent_code": parent, "line": str(line_no)})
    return rows


@transaction.atomic
def regions_load(*, csv_path: Path, actor=None) -> LoadReport:
    """Load (or refresh) the division tree from the CSV. Idempotent: a second run changes nothing, a renamed
    row is updated, a moved row gets its new path. Rows that disappeared from the file are reported, never
    deleted (history may point at them)."""
    rows = _read_divisions(csv_path)
    by_code = {row["code"]: row for row in rows}

    # Compute every path from the file alone, parents first (depth order), checking the tree's shape.
    paths: dict[str, str] = {}
    for row in sorted(rows, key=lambda r: LEVEL_DEPTH[RegionLevel(r["level"])]):
        parent_code = row["parent_code"]
        if parent_code:
            parent = by_code.get(parent_code)
            if parent is None:
                raise DivisionFileError(f"line {row['line']}: parent_code {parent_code} is not in the file")
            if LEVEL_DEPTH[RegionLevel(parent["level"])] != LEVEL_DEPTH[RegionLevel(row["level"])] - 1:
                raise DivisionFileError(f"line {row['line']}: a {row['level']} cannot hang under a {parent['level']}")
            paths[row["code"]] = Region.path_for(row["code"], paths[parent_code])
        else:
            paths[row["code"]] = Region.path_for(row["code"])

    existing = {r.code: r for r in Region.objects.all()}
    report = LoadReport()
    for level in RegionLevel:  # parents are created before their children, one bulk insert per level
        ids = {code: region.pk for code, region in existing.items()}
        to_create: list[Region] = []
        to_update: list[Region] = []
        for row in rows:
            if row["level"] != level:
                continue
            code = row["code"]
            values = {
                "name": row["name"],
                "level": row["level"],
                "parent_id": ids.get(row["parent_code"]) if row["parent_code"] else None,
                "path": paths[code],
                "depth": LEVEL_DEPTH[level],
                "is_placeholder": any(marker in row["name"] for marker in PLACEHOLDER_MARKERS),
            }
            region = existing.get(code)
            if region is None:
                to_create.append(Region(code=code, **values))
            elif any(getattr(region, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(region, k, v)
                to_update.append(region)
            else:
                report.unchanged += 1
        Region.objects.bulk_create(to_create, batch_size=1000)
        if to_create:  # re-read rather than trust bulk_create to return ids on every backend
            existing.update({r.code: r for r in Region.objects.filter(level=level)})
            record_bulk_change(model=Region, ids=[existing[r.code].pk for r in to_create], action="create",
                               actor=actor, reason="reference_data", changes={"source": str(csv_path.name)})
        if to_update:
            Region.objects.bulk_update(
                to_update, ["name", "level", "parent_id", "path", "depth", "is_placeholder"], batch_size=1000
            )
            record_bulk_change(model=Region, ids=[r.pk for r in to_update], action="update", actor=actor,
                               reason="reference_data", changes={"source": str(csv_path.name)})
        report.created += len(to_create)
        report.updated += len(to_update)
        report.per_level[level.value] = sum(1 for row in rows if row["level"] == level)
    report.missing_from_file = sorted(set(existing) - set(by_code))
    if report.created or report.updated:  # bulk writes send no signals: every process re-reads the names
        region_directory_changed()
    record_event(
        AuditEventType.REFERENCE_DATA_LOADED,
        actor=actor,
        region_path="",
        source=str(csv_path.name),
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
    )
    return report


def roles_ensure() -> None:
    """Create the role groups if missing (also done by migration 0002; kept for fresh test databases)."""
    from django.contrib.auth.models import Group

    from ..roles import Role

    for role in Role:
        Group.objects.get_or_create(name=role.value)


def organisation_ensure(*, name: str, kind: str, region: Region) -> Organisation:
    """Find or create an organisation by its name within a region."""
    organisation, _created = Organisation.objects.get_or_create(region=region, name=name, defaults={"kind": kind})
    return organisation


def user_set_font_scale(*, user, font_scale: int) -> None:
    """A user's own display preference (大字模式)."""
    from ..models import FontScale

    user.font_scale = FontScale(font_scale)
    user.save(update_fields=["font_scale"])


@transaction.atomic
def region_update_population(*, actor, region: Region, households: int | None, population: int | None) -> Region:
    """Registered households and population (the base for participation rates), kept by account admins of the
    region or above it."""
    from django.core.exceptions import PermissionDenied

    from shequyun.audit import acting_as
    from shequyun.scoping import path_in_scope
    from shequyun.validators import check_households_population

    from ..permissions import has_role
    from ..roles import Role

    if not (actor.is_superuser or (has_role(actor, Role.ACCOUNT_ADMIN) and path_in_scope(actor, region.path))):
        raise PermissionDenied("只有本级或上级账号管理员可以维护户数和人口。")
    check_households_population(households, population)
    region.households = households
    region.population = population
    with acting_as(actor):
        region.save(update_fields=["households", "population"])
    return region


def _require_superuser(actor) -> None:
    from django.core.exceptions import PermissionDenied

    if not (actor is not None and actor.is_active and actor.is_superuser):
        raise PermissionDenied("只有系统管理员可以在后台维护组织。")


@transaction.atomic
def organisation_save(*, actor, organisation: Organisation) -> Organisation:
    """The Django admin's add/change of an organisation (bootstrap superuser only): validated, saved, audited."""
    from shequyun.audit import acting_as

    _require_superuser(actor)
    organisation.full_clean()
    with acting_as(actor):
        organisation.save()
    return organisation


@transaction.atomic
def organisation_delete(*, actor, organisation: Organisation) -> None:
    """The Django admin's delete (an organisation still named by accounts or scenarios is protected: 409-like error
    in the admin)."""
    from shequyun.audit import acting_as

    _require_superuser(actor)
    with acting_as(actor):
        organisation.delete()
