"""Information items (信息项): add, edit, delete one; import many from xlsx or csv with a row-by-row report.

The import reads through the shared bounded reader (``shequyun/spreadsheets.py: read_table``) with the same limits
as the accounts import; every row is checked with the same model rules as a single item; the commit is
all-or-nothing (one bulk insert, recorded in the audit trail)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

# The same limits as the accounts import (accounts/services/imports.py).
from accounts.services.imports import MAX_BYTES, MAX_ROWS  # noqa: E402, I001
from shequyun.audit import AuditEventType, acting_as, record_bulk_change, record_event
from shequyun.errors import Conflict
from shequyun.spreadsheets import read_table

from .. import permissions as perms
from ..models import DataType, Item, MaskingRule, Resource, ResourceStatus
from .common import apply, full_clean
from .resources import ITEM_FIELDS

COLUMNS = {
    "table_name": ("表名", "table_name"),
    "field_name": ("字段名", "field_name"),
    "label": ("中文名称", "信息项名称", "label"),
    "data_type": ("数据类型", "data_type"),
    "length": ("数据长度", "长度", "length"),
    "is_primary_key": ("主键", "is_primary_key"),
    "is_timestamp": ("时间戳", "is_timestamp"),
    "personal_info": ("个人信息", "personal_info"),
    "masking_rule": ("脱敏规则", "masking_rule"),
}
REQUIRED = ["table_name", "field_name", "label", "data_type"]
LABELS = {key: names[0] for key, names in COLUMNS.items()}
TRUE = {"是", "y", "yes", "true", "1", "√", "✓"}
FALSE = {"", "否", "n", "no", "false", "0"}
TYPES = {str(label): value for value, label in DataType.choices} | {v: v for v in DataType.values}
MASKS = {str(label): value for value, label in MaskingRule.choices if value} | {v: v for v in MaskingRule.values if v}


@dataclass
class RowError:
    row: int
    field: str
    message: str


@dataclass
class ImportReport:
    items: list[Item] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total: int = 0

    @property
    def ok(self) -> bool:
        return bool(self.items) and not self.errors


def _lock_editable(actor: Any, resource: Resource) -> Resource:
    locked = Resource.objects.select_for_update(of=("self",)).get(pk=resource.pk)
    if not perms.may_edit_resource(actor, locked):
        raise PermissionDenied(_("只有提供单位的数据专员可以修改信息项。"))
    if locked.status != ResourceStatus.DRAFT:
        raise Conflict(_("只能修改草稿的信息项。已发布的资源请发起变更。"), status=locked.status)
    return locked


def _check_unique(item: Item) -> None:
    clash = Item.objects.filter(resource_id=item.resource_id, table_name=item.table_name, field_name=item.field_name)
    if item.pk:
        clash = clash.exclude(pk=item.pk)
    if clash.exists():
        raise ValidationError({"field_name": [_("该表中已有同名字段。")]})


@transaction.atomic
def item_add(*, actor: Any, resource: Resource, **values: Any) -> Item:
    locked = _lock_editable(actor, resource)
    position = (Item.objects.filter(resource=locked).aggregate(n=Max("position"))["n"] or 0) + 1
    item = Item(resource=locked, position=position)
    apply(item, values, ITEM_FIELDS)
    full_clean(item, exclude=["label_key"])
    _check_unique(item)
    with acting_as(actor):
        item.save()
        locked.save(update_fields=["updated_at"])
    return item


@transaction.atomic
def item_update(*, actor: Any, item: Item, **values: Any) -> Item:
    _lock_editable(actor, item.resource)
    item = Item.objects.get(pk=item.pk)
    changed = apply(item, values, ITEM_FIELDS)
    full_clean(item, exclude=["label_key"])
    _check_unique(item)
    with acting_as(actor):
        item.save(update_fields=[*changed, "label_key"])
    return item


@transaction.atomic
def item_delete(*, actor: Any, item: Item) -> None:
    _lock_editable(actor, item.resource)
    with acting_as(actor):
        Item.objects.filter(pk=item.pk).first().delete()  # type: ignore[union-attr]


def items_parse(*, content: bytes) -> list[dict[str, Any]]:
    """Rows of an uploaded sheet (the shared bounded reader: sniffed type, size, unpacked size, row cap)."""
    return read_table(content=content, columns=COLUMNS, required=REQUIRED, max_rows=MAX_ROWS, max_bytes=MAX_BYTES)


def _flag(value: str) -> bool | None:
    text = (value or "").strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    return None


def _validate(resource: Resource, rows: list[dict[str, Any]]) -> ImportReport:
    report = ImportReport(total=len(rows))
    existing = set(Item.objects.filter(resource=resource).values_list("table_name", "field_name"))
    position = Item.objects.filter(resource=resource).aggregate(n=Max("position"))["n"] or 0
    seen: set[tuple[str, str]] = set()
    for row in rows:
        number = row["_row"]
        values: dict[str, Any] = {k: row.get(k, "") for k in ("table_name", "field_name", "label")}
        problems: list[RowError] = []
        data_type = TYPES.get(row.get("data_type", "").strip())
        if data_type is None:
            problems.append(RowError(number, LABELS["data_type"], _("数据类型“%(v)s”无效。") % {"v": row.get("data_type", "")}))
        values["data_type"] = data_type or ""
        length = row.get("length", "").strip()
        if length:
            try:
                values["length"] = int(float(length))
                if values["length"] <= 0:
                    raise ValueError
            except ValueError:
                problems.append(RowError(number, LABELS["length"], _("数据长度须为正整数。")))
        for key in ("is_primary_key", "is_timestamp", "personal_info"):
            flag = _flag(row.get(key, ""))
            if flag is None:
                problems.append(RowError(number, LABELS[key], _("请填写“是”或“否”。")))
            values[key] = bool(flag)
        mask = row.get("masking_rule", "").strip()
        values["masking_rule"] = MASKS.get(mask, "") if mask not in ("", "不脱敏") else ""
        if mask and mask != "不脱敏" and mask not in MASKS:
            problems.append(RowError(number, LABELS["masking_rule"], _("脱敏规则“%(v)s”无效。") % {"v": mask}))
        key = (values["table_name"], values["field_name"])
        if key in existing:
            problems.append(RowError(number, LABELS["field_name"], _("该表中已有同名字段。")))
        elif key in seen:
            problems.append(RowError(number, LABELS["field_name"], _("与文件中前面的行重复。")))
        item = Item(resource=resource, **values)
        if not problems:
            try:
                full_clean(item, exclude=["label_key"])
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    problems += [RowError(number, LABELS.get(name, name), m) for m in messages]
        if problems:
            report.errors += problems
            continue
        seen.add(key)
        position += 1
        item.position = position
        report.items.append(item)
    return report


def items_import(*, actor: Any, resource: Resource, content: bytes, commit: bool = False) -> ImportReport:
    """Check every row (nothing saved), or with ``commit`` add every item, or none."""
    with transaction.atomic():
        locked = _lock_editable(actor, resource)
        report = _validate(locked, items_parse(content=content))
        if not commit:
            return report
        if not report.ok:
            raise ValidationError({"file": [_("表格有 %(n)d 处错误，未导入任何信息项。") % {"n": len(report.errors)}]})
        Item.objects.bulk_create(report.items, batch_size=1000)
        ids = list(Item.objects.filter(resource=locked).order_by("-id").values_list("pk", flat=True)[:len(report.items)])
        with acting_as(actor):
            locked.save(update_fields=["updated_at"])
        # bulk_create bypasses django-auditlog's signals: the import itself is the audit record.
        record_bulk_change(model=Item, ids=ids, action="create", actor=actor, region_path=locked.region.path,
                           reason=f"信息项表格导入数据资源 {locked.pk}")
        record_event(AuditEventType.DATA_ITEMS_IMPORTED, actor=actor, target=locked, region_path=locked.region.path,
                     count=len(ids))
    return report
