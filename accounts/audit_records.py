"""The audit trail as a record (/accounts/audit/): who, when, which object (linked when the viewer may open it),
which field from what to what — in Chinese labels (model and field verbose names, choice labels), personal data
masked, filtered, paged, exported with a watermark.

Rows come only from ``shequyun.audit.change_entries_visible_to`` / ``events_visible_to`` (scope is decided there,
never here). A page costs a constant number of queries: related objects named in the changes, the regions and the
"may open" checks are fetched once per model for the whole page."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from shequyun.crypto import mask

#: auditlog's actions (LogEntry.Action: create, update, delete, access), in words.
ACTION_LABELS = {0: gettext_lazy("新增"), 1: gettext_lazy("修改"), 2: gettext_lazy("删除"), 3: gettext_lazy("查看")}

#: Field names whose verbose name was left to Django's English default, in Chinese.
FIELD_WORDS = {
    "created_by": gettext_lazy("创建人"), "created_at": gettext_lazy("创建时间"), "updated_by": gettext_lazy("更新人"),
    "updated_at": gettext_lazy("更新时间"), "submitted_by": gettext_lazy("提交人"),
    "submitted_at": gettext_lazy("提交时间"), "approved_by": gettext_lazy("批准人"),
    "published_by": gettext_lazy("发布人"), "decided_by": gettext_lazy("决定人"), "resolved_by": gettext_lazy("处理人"),
    "actor": gettext_lazy("操作人"), "extra": gettext_lazy("附加信息"), "from_status": gettext_lazy("原状态"),
    "to_status": gettext_lazy("新状态"), "from_region": gettext_lazy("原区域"), "to_region": gettext_lazy("新区域"),
    "sha256": gettext_lazy("文件校验值"), "extension": gettext_lazy("文件类型"), "size": gettext_lazy("大小"),
    "position": gettext_lazy("顺序"), "label_key": gettext_lazy("标签键"), "dedupe_key": gettext_lazy("去重键"),
    "search_tokens": gettext_lazy("检索词"), "steps": gettext_lazy("审核环节"), "password": gettext_lazy("密码"),
    "name": gettext_lazy("名称"), "confirmed": gettext_lazy("已确认"), "last_used_at": gettext_lazy("最近使用时间"),
    "user": gettext_lazy("用户"), "group": gettext_lazy("角色组"), "permission": gettext_lazy("权限"),
    "content_type": gettext_lazy("对象类型"), "object_pk": gettext_lazy("对象编号"),
    "last_seen": gettext_lazy("最近心跳"), "review_round": gettext_lazy("审核轮次"),
    "current_step_region": gettext_lazy("当前环节区域"), "current_step_role": gettext_lazy("当前环节角色"),
    "file": gettext_lazy("文件"), "revision": gettext_lazy("修订版本"), "step": gettext_lazy("环节"),
    "throttling_failure_timestamp": gettext_lazy("最近验证失败时间"),
    "throttling_failure_count": gettext_lazy("连续验证失败次数"), "drift": gettext_lazy("时间偏移"),
    "last_t": gettext_lazy("最近验证时段"), "digits": gettext_lazy("位数"), "tolerance": gettext_lazy("容差"),
    "t0": gettext_lazy("起始时间"), "id": gettext_lazy("编号"),
}
#: Models whose verbose name was left in English (third-party apps), in Chinese.
MODEL_WORDS = {
    "guardian.userobjectpermission": gettext_lazy("用户对象权限"),
    "guardian.groupobjectpermission": gettext_lazy("角色组对象权限"),
    "otp_totp.totpdevice": gettext_lazy("身份验证器"), "otp_static.staticdevice": gettext_lazy("备用验证码"),
    "otp_static.statictoken": gettext_lazy("备用验证码"), "auth.group": gettext_lazy("角色组"),
    "auth.permission": gettext_lazy("权限"), "contenttypes.contenttype": gettext_lazy("对象类型"),
    "sessions.session": gettext_lazy("会话"), "sites.site": gettext_lazy("站点"),
}
#: Keys found in AuditEvent.extra, in Chinese (unknown keys are shown as "其他").
EXTRA_WORDS = {
    "reason": gettext_lazy("原因"), "action": gettext_lazy("操作"), "before": gettext_lazy("变更前"),
    "after": gettext_lazy("变更后"), "title": gettext_lazy("标题"), "count": gettext_lazy("数量"),
    "word": gettext_lazy("敏感词"), "words": gettext_lazy("敏感词"), "username": gettext_lazy("用户名"),
    "usernames": gettext_lazy("用户名"), "stored": gettext_lazy("已保存"), "second_factor": gettext_lazy("第二因素"),
    "scenarios": gettext_lazy("应用场景"), "rows": gettext_lazy("行数"), "recomputed": gettext_lazy("重新计算"),
    "recipients": gettext_lazy("接收人"), "permission": gettext_lazy("权限"), "perm": gettext_lazy("权限"),
    "path": gettext_lazy("地址"), "method": gettext_lazy("请求方式"), "kind": gettext_lazy("类型"),
    "grantee": gettext_lazy("被授权人"), "grade": gettext_lazy("级别"), "content_type": gettext_lazy("对象类型"),
    "calendar_dates": gettext_lazy("日期"), "version": gettext_lazy("版本"), "user": gettext_lazy("用户"),
    "to_region": gettext_lazy("转至区域"), "team": gettext_lazy("团队"), "status": gettext_lazy("状态"),
    "stage": gettext_lazy("阶段"), "severity": gettext_lazy("程度"), "roles": gettext_lazy("角色"),
    "removed": gettext_lazy("移除"), "reminded": gettext_lazy("已提醒"), "previous": gettext_lazy("原值"),
    "plan_version": gettext_lazy("预案版本"), "personal_info_leak": gettext_lazy("涉及个人信息泄露"),
    "model": gettext_lazy("对象类型"), "level": gettext_lazy("层级"), "ip": gettext_lazy("IP 地址"),
    "ids": gettext_lazy("编号"), "changes": gettext_lazy("变更内容"), "filename": gettext_lazy("文件名"),
    "title_text": gettext_lazy("标题"), "category": gettext_lazy("类别"), "deadline": gettext_lazy("期限"),
    "dates": gettext_lazy("日期"), "export": gettext_lazy("导出"), "fields": gettext_lazy("变更字段"),
    "role": gettext_lazy("角色"), "sharing_request": gettext_lazy("共享申请"), "incident": gettext_lazy("安全事件"),
    "resource": gettext_lazy("数据资源"), "objection": gettext_lazy("数据异议"), "duplicates": gettext_lazy("重复登记"),
}

#: Objects the trail links to, by model: URL name and the URL keyword taken from the object.
LINKS = {
    "scenarios.scenario": ("scenarios:detail", "pk"),
    "scenarios.evaluation": ("scenarios:evaluation", "pk"),
    "accounts.user": ("accounts:manage_detail", "pk"),
    "accounts.region": ("accounts:region", "code"),
    "content.contentitem": ("content:item_detail", "pk"),
    "content.feedback": ("content:feedback_detail", "pk"),
    "content.trainingmaterial": ("content:training_detail", "pk"),
    "content.reviewchain": ("content:chain_detail", "pk"),
    "security.incident": ("security:incident", "pk"),
    "security.emergencyplan": ("security:plan", "pk"),
    "security.drill": ("security:drill", "pk"),
    "security.training": ("security:training", "pk"),
    "security.assessment": ("security:assessment", "pk"),
    "security.confidentialityagreement": ("security:agreement", "pk"),
    "dataassets.resource": ("dataassets:detail", "pk"),
    "dataassets.objection": ("dataassets:objection", "pk"),
    "dataassets.sharingrequest": ("dataassets:sharing", "pk"),
    "dataassets.qualityissue": ("dataassets:quality_issue", "pk"),
}

PERSONAL_FIELD = re.compile(r"phone|mobile|id_number|id_card|身份证|手机|电话")
PERSONAL_VALUE = re.compile(r"(?<!\d)(1[3-9]\d{9}|\d{17}[\dXx]|0\d{2,3}-?\d{7,8})(?!\d)")
DEFAULT_REPR = re.compile(r"^\w+ object \((\w+)\)$")
EMPTY = "—"
MAX_VALUE = 200


_SLUGS: dict[str, str] = {}


def slug_words() -> dict[str, str]:
    """Code words that land in the trail as values (roles, region levels, bulk actions, workflow actions) → their
    Chinese labels, from the places that define them (roles, RegionLevel, every app's transitions table)."""
    if _SLUGS:
        return _SLUGS
    import importlib

    from shequyun.workflow import Transition

    from .models import RegionLevel
    from .roles import Role

    words = {"create": _("新增"), "update": _("修改"), "delete": _("删除"), "add": _("增加"), "remove": _("移除")}
    for app in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{app.name}.transitions")
        except ImportError:
            continue
        for value in vars(module).values():
            items = value if isinstance(value, list | tuple) else []
            for item in items:
                if isinstance(item, Transition) and item.label:
                    words.setdefault(item.action, str(item.label))
    words |= {str(k): str(v) for k, v in RegionLevel.choices}
    words |= {str(k): str(v) for k, v in Role.choices}
    _SLUGS.update(words)
    return _SLUGS


PERMISSION_NAME = re.compile(r"^Can (add|change|delete|view) (.+)$")
PERMISSION_VERBS = {"add": pgettext_lazy("permission", "新增"), "change": pgettext_lazy("permission", "修改"),
                    "delete": pgettext_lazy("permission", "删除"), "view": pgettext_lazy("permission", "查看")}


def word(value: Any) -> str:
    """A stored code word or permission name in Chinese; anything else unchanged."""
    text = str(value)
    found = slug_words().get(text)
    if found:
        return found
    match = PERMISSION_NAME.match(text)
    if match:
        return _("可%(verb)s%(what)s") % {"verb": PERMISSION_VERBS[match.group(1)], "what": match.group(2)}
    return text


CODENAME = re.compile(r"\b(add|change|delete|view)_([a-z0-9]+)\b")
TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _model_by_name(model_name: str) -> Any:
    for model in apps.get_models():
        if model._meta.model_name == model_name:
            return model
    return None


def humanise(text: str, model: Any = None) -> str:
    """Code words inside a recorded text (an object's name written by code: "12 submit draft→submitted", a
    permission "Can view 共享申请" or "view_sharingrequest") in Chinese: workflow actions, roles, levels, the
    model's own choice values and permission names."""
    if not text or not re.search(r"[A-Za-z]", text):
        return text
    text = PERMISSION_NAME.sub(lambda m: word(m.group(0)), text) if "Can " in text else text
    text = re.sub(r"Can (add|change|delete|view) ", lambda m: str(PERMISSION_VERBS[m.group(1)]), text)

    def codename(match: re.Match[str]) -> str:
        target = _model_by_name(match.group(2))
        return (_("可%(verb)s%(what)s") % {"verb": PERMISSION_VERBS[match.group(1)], "what": model_label(target)}
                if target is not None else match.group(0))

    text = CODENAME.sub(codename, text)
    choices: dict[str, str] = {}
    if model is not None:
        for f in model._meta.concrete_fields:
            for key, label in getattr(f, "flatchoices", None) or []:
                if isinstance(key, str) and key:
                    choices.setdefault(key, str(label))
    slugs = slug_words()
    return TOKEN.sub(lambda m: choices.get(m.group(0)) or slugs.get(m.group(0)) or m.group(0), text)


def _chinese(text: Any) -> bool:
    return bool(text) and not str(text).isascii()


def model_label(model: Any) -> str:
    """The model's Chinese name (verbose name; for a many-to-many table, the owner's field)."""
    if model is None:
        return _("已删除的对象类型")
    meta = model._meta
    if meta.label_lower in MODEL_WORDS:
        return str(MODEL_WORDS[meta.label_lower])
    if meta.auto_created:  # the table behind a ManyToManyField: "<owner> · <field>"
        owner = meta.auto_created
        for f in owner._meta.many_to_many:
            if f.remote_field.through is model:
                return f"{model_label(owner)} · {field_label(owner, f.name)}"
    return str(meta.verbose_name) if _chinese(meta.verbose_name) else meta.object_name


def field_label(model: Any, name: str) -> str:
    try:
        f = model._meta.get_field(name)
    except (FieldDoesNotExist, AttributeError):
        return str(FIELD_WORDS.get(name, name))
    verbose = getattr(f, "verbose_name", name)
    if _chinese(verbose):
        return str(verbose)
    if name in FIELD_WORDS:
        return str(FIELD_WORDS[name])
    related = getattr(f, "related_model", None)
    if related is not None and related is not model:
        return model_label(related)
    return str(FIELD_WORDS.get(name, name))


def tracked_models() -> list[Any]:
    from auditlog.registry import auditlog

    return [m for m in apps.get_models(include_auto_created=True) if auditlog.contains(m)]


def mask_text(text: str) -> str:
    """Mask phone and ID numbers wherever they appear in a displayed value."""
    return PERSONAL_VALUE.sub(lambda m: mask(m.group(0)), text)


def _shorten(text: str) -> str:
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE] + "…"


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Row:
    when: datetime
    who: str
    action: str
    type_label: str
    object_label: str
    url: str | None
    region: str
    changes: list[FieldChange] = field(default_factory=list)
    detail: list[tuple[str, str]] = field(default_factory=list)
    ip: str = ""


class _Resolver:
    """Everything a page of rows needs from other tables, fetched once per model."""

    def __init__(self, viewer: Any) -> None:
        self.viewer = viewer
        self.wanted: dict[Any, set[str]] = defaultdict(set)  # model → pks named in changes
        self.targets: dict[str, set[str]] = defaultdict(set)  # label → pks to link
        self.paths: set[str] = set()
        self.names: dict[tuple[Any, str], str] = {}
        self.openable: dict[str, dict[str, str]] = {}
        self.regions: dict[str, str] = {}

    def resolve(self) -> None:
        for model, pks in self.wanted.items():
            try:
                found = model._base_manager.in_bulk([model._meta.pk.to_python(pk) for pk in pks])
            except Exception:  # noqa: BLE001 — a value that is no longer a valid key: shown as recorded
                found = {}
            for pk, obj in found.items():
                self.names[(model, str(pk))] = _object_name(obj)
        for label, pks in self.targets.items():
            model = _model(label)
            url_name, attr = LINKS[label]
            manager = getattr(model, "objects", None)
            if model is None or not hasattr(manager, "visible_to"):
                continue
            keys = []
            for pk in pks:
                try:
                    keys.append(model._meta.pk.to_python(pk))
                except Exception:  # noqa: BLE001, S112 — a recorded key that is not one of this model's: no link
                    continue
            rows = manager.visible_to(self.viewer).filter(pk__in=keys).values_list("pk", attr)
            self.openable[label] = {}
            for pk, value in rows:
                try:
                    self.openable[label][str(pk)] = reverse(url_name, kwargs={attr: value})
                except NoReverseMatch:
                    continue
        if self.paths:
            codes = {p.rstrip("/").rsplit("/", 1)[-1]: p for p in self.paths}
            region_model = apps.get_model("accounts", "Region")
            by_code = dict(region_model.objects.filter(code__in=codes).values_list("code", "name"))
            district_codes = {p.split("/")[1] for p in self.paths if p.count("/") > 2}
            districts = dict(region_model.objects.filter(code__in=district_codes).values_list("code", "name"))
            for code, path in codes.items():
                parts = path.strip("/").split("/")
                name = by_code.get(code, code)
                if len(parts) > 2 and parts[1] in districts:
                    name = f"{districts[parts[1]]} · {name}"
                self.regions[path] = name

    def name(self, model: Any, pk: str) -> str:
        return self.names.get((model, pk), f"#{pk}")

    def url(self, label: str, pk: str) -> str | None:
        return self.openable.get(label, {}).get(str(pk))

    def region(self, path: str) -> str:
        return self.regions.get(path, _("全市")) if path else _("全市")


def _model(label: str) -> Any:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _object_name(obj: Any) -> str:
    text = str(obj)
    match = DEFAULT_REPR.match(text)
    if match:
        return f"{model_label(type(obj))} #{match.group(1)}"
    return mask_text(humanise(text, type(obj)))


def _who(actor: Any, username: str = "") -> str:
    if actor is not None:
        name = getattr(actor, "full_name", "") or ""
        return f"{name}（{actor.username}）" if name else actor.username
    return username or _("系统")


def _display_value(model: Any, name: str, raw: Any, resolver: _Resolver) -> str:
    if raw is None or raw == "None" or raw == "":
        return EMPTY
    try:
        f = model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        f = None
    if f is not None and PERSONAL_FIELD.search(name):
        return mask(str(raw))
    if f is not None and getattr(f, "choices", None):
        choices = {str(k): v for k, v in f.flatchoices}
        return str(choices.get(str(raw), raw))
    if f is not None and isinstance(f, models.BooleanField):
        return _("是") if str(raw) in ("True", "true", "1") else _("否")
    if f is not None and (f.many_to_one or f.one_to_one) and f.related_model is not None:
        return resolver.name(f.related_model, str(raw))
    if f is not None and isinstance(f, models.DateTimeField):
        parsed = parse_datetime(str(raw))
        if parsed is not None:
            if timezone.is_naive(parsed):
                parsed = parsed.replace(tzinfo=UTC)
            return timezone.localtime(parsed).strftime("%Y-%m-%d %H:%M")
    if f is not None and isinstance(f, models.DateField):
        parsed_date = parse_date(str(raw)[:10])
        if parsed_date is not None:
            return parsed_date.isoformat()
    if f is not None and isinstance(f, models.JSONField):
        return _shorten(str(raw))  # structured data: shown as recorded (as code, see technical())
    if isinstance(raw, dict | list):
        raw = "、".join(word(v) for v in (raw.values() if isinstance(raw, dict) else raw))
    return _shorten(mask_text(word(raw)))


def change_rows(entries: Iterable[Any], viewer: Any) -> list[Row]:
    entries = list(entries)
    resolver = _Resolver(viewer)
    for entry in entries:
        model = entry.content_type.model_class() if entry.content_type_id else None
        label = model._meta.label_lower if model is not None else ""
        if label in LINKS:
            resolver.targets[label].add(str(entry.object_pk))
        path = (entry.additional_data or {}).get("region_path") if isinstance(entry.additional_data, dict) else ""
        if path:
            resolver.paths.add(path)
        for name, values in _changes(entry).items():
            f = _field(model, name)
            if f is not None and (f.many_to_one or f.one_to_one) and f.related_model is not None:
                for value in values:
                    if value not in (None, "None", ""):
                        resolver.wanted[f.related_model].add(str(value))
    resolver.resolve()
    rows = []
    for entry in entries:
        model = entry.content_type.model_class() if entry.content_type_id else None
        label = model._meta.label_lower if model is not None else ""
        path = (entry.additional_data or {}).get("region_path", "") if isinstance(entry.additional_data, dict) else ""
        repr_match = DEFAULT_REPR.match(entry.object_repr or "")
        object_label = (f"{model_label(model)} #{entry.object_pk}" if repr_match or not entry.object_repr
                        else mask_text(humanise(entry.object_repr, model)))
        changes = []
        for name, values in _changes(entry).items():
            f = _field(model, name)
            if f is not None and not f.concrete and not f.many_to_many:
                continue  # a reverse relation ("accounts.PasswordHistory.None"): nothing changed on this object
            old, new = (list(values) + [None, None])[:2]
            change = FieldChange(field_label(model, name) if model is not None else name,
                                 _display_value(model, name, old, resolver), _display_value(model, name, new, resolver))
            if entry.action == 0 and (change.new == EMPTY or name == "id"):
                continue  # a new object: its filled fields say enough
            changes.append(change)
        rows.append(Row(
            when=entry.timestamp, who=_who(entry.actor), action=str(ACTION_LABELS.get(entry.action, entry.action)),
            type_label=model_label(model), object_label=object_label, url=resolver.url(label, entry.object_pk),
            region=resolver.region(path), changes=changes, ip=entry.remote_addr or "",
        ))
    return rows


def _field(model: Any, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _changes(entry: Any) -> dict[str, Any]:
    changes = entry.changes
    if isinstance(changes, str):
        import json

        try:
            changes = json.loads(changes)
        except ValueError:
            return {}
    if not isinstance(changes, dict):
        return {}
    # many-to-many changes are recorded as {"field": {"type": "m2m", "operation": …, "objects": […]}}
    result: dict[str, Any] = {}
    for name, values in changes.items():
        if isinstance(values, dict) and values.get("type") == "m2m":
            operation = {"add": _("增加"), "delete": _("移除")}.get(values.get("operation", ""), "")
            result[name] = [None, f"{operation} " + "、".join(word(o) for o in values.get("objects", []))]
        elif isinstance(values, list | tuple):
            result[name] = values
    return result


def event_rows(events: Iterable[Any], viewer: Any) -> list[Row]:
    events = list(events)
    resolver = _Resolver(viewer)
    for event in events:
        if event.target_type in LINKS and event.target_id:
            resolver.targets[event.target_type].add(event.target_id)
        if event.region_path:
            resolver.paths.add(event.region_path)
    resolver.resolve()
    rows = []
    for event in events:
        model = _model(event.target_type) if event.target_type else None
        detail = []
        for key, value in (event.extra or {}).items():
            label = str(EXTRA_WORDS.get(key, _("其他")))
            if key == "fields" and isinstance(value, list):
                value = [field_label(model, str(v)) if model is not None else str(FIELD_WORDS.get(v, v)) for v in value]
            elif key == "model" and isinstance(value, str):
                value = model_label(_model(value))
            detail.append((label, _display_extra(value)))
        target = ""
        if event.target_type:
            repr_match = DEFAULT_REPR.match(event.target_repr or "")
            target = (f"{model_label(model)} #{event.target_id}" if repr_match or not event.target_repr
                      else mask_text(humanise(event.target_repr, model)))
        rows.append(Row(
            when=event.created_at, who=_who(event.actor, event.actor_username), action=event.get_event_type_display(),
            type_label=model_label(model) if event.target_type else "", object_label=target,
            url=resolver.url(event.target_type, event.target_id) if event.target_type else None,
            region=resolver.region(event.region_path), detail=detail, ip=event.ip_address or "",
        ))
    return rows


def _display_extra(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, dict):
        return _shorten("；".join(f"{EXTRA_WORDS.get(k, _('其他'))}：{_display_extra(v)}" for k, v in value.items()))
    if isinstance(value, list | tuple):
        return _shorten("、".join(_display_extra(v) for v in value))
    return _shorten(mask_text(word(value)))


# --- the page ------------------------------------------------------------------------------------------------------
