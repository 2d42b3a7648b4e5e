"""Resources of the catalogue: register, edit a draft, submit, review, publish, revise a published entry (a
revision reviewed again and published into it as a new version with a diff), report a data update."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation
from shequyun.audit import AuditEventType, acting_as, record_bulk_change, record_event
from shequyun.errors import Conflict
from shequyun.notifications.services import notify
from shequyun.workflow import Transition, Workflow, transition

from .. import permissions as perms
from ..models import Catalogue, Item, Resource, ResourceEvent, ResourceStatus, ResourceVersion
from ..transitions import RESOURCE_TRANSITIONS
from .common import apply, full_clean, url

RESOURCE_FIELDS = [
    "name", "code", "catalogue", "description", "data_format", "collection_method", "collection_frequency",
    "update_frequency", "sharing_type", "sharing_reason", "legal_basis", "sharing_method", "open_type", "grade",
    "contains_personal_info", "contains_commercial_secret",
]
ITEM_FIELDS = ["table_name", "field_name", "label", "data_type", "length", "is_primary_key", "is_timestamp",
               "personal_info", "masking_rule"]


def _record(resource: Resource, step: Transition, actor: Any, comment: str, previous: str, **extra: Any) -> None:
    ResourceEvent.objects.create(resource=resource, action=step.action, from_status=previous, to_status=step.target,
                                 actor=actor, comment=comment or "", extra=extra)


def _after(resource: Resource, step: Transition, actor: Any, comment: str) -> None:
    if resource.status == ResourceStatus.SUBMITTED:
        recipients = list(perms.resource_review_recipients(resource))
    else:
        recipients = list(perms.provider_stewards(resource))
    target = resource.revision_of if resource.status == ResourceStatus.MERGED else resource
    notify(recipients=[u for u in recipients if u.pk != getattr(actor, "pk", None)],
           title=_("数据资源“%(name)s”：%(action)s") % {"name": resource.name, "action": step.label},
           body=comment, url=url("resource", target.pk), target=target)


def _people(resource: Resource) -> Any:
    """Who acts next (the same people ``_after`` notifies)."""
    if resource.status == ResourceStatus.SUBMITTED:
        return perms.resource_review_recipients(resource)
    return perms.provider_stewards(resource)


RESOURCE_WORKFLOW = Workflow(name="resource", transitions=RESOURCE_TRANSITIONS, record=_record, after=_after,
                             people=_people)


def _check_code(resource: Resource) -> None:
    taken = Resource.objects.filter(region_id=resource.region_id, code=resource.code, revision_of__isnull=True)
    if resource.pk:
        taken = taken.exclude(pk=resource.lineage_id)
    if taken.exists():
        raise ValidationError({"code": [_("本区域已有使用该资源代码的数据资源。")]})


@transaction.atomic
def resource_create(*, actor: Any, provider: Organisation | None = None, **values: Any) -> Resource:
    """Register a resource for the actor's unit (a superuser may name another provider in their scope)."""
    if not perms.may_register(actor):
        raise PermissionDenied(_("只有数据专员可以登记数据资源。"))
    if provider is None or not actor.is_superuser:
        provider = actor.organisation
    resource = Resource(region=provider.region, provider=provider, created_by=actor)
    apply(resource, values, RESOURCE_FIELDS)
    if resource.region.level == "city":
        resource.catalogue = Catalogue.CITY
    full_clean(resource, exclude=["version"])
    _check_code(resource)
    with acting_as(actor):
        resource.save()
    return resource


def _lock_editable(actor: Any, resource: Resource) -> Resource:
    locked = Resource.objects.select_for_update(of=("self",)).select_related("region").get(pk=resource.pk)
    if not perms.may_edit_resource(actor, locked):
        raise PermissionDenied(_("只有提供单位的数据专员可以修改。"))
    if locked.status != ResourceStatus.DRAFT:
        raise Conflict(_("只能修改草稿（当前状态：%(s)s）。已发布的资源请发起变更。") % {"s": locked.get_status_display()},
                       status=locked.status)
    return locked


@transaction.atomic
def resource_update(*, actor: Any, resource: Resource, **values: Any) -> Resource:
    """Edit a draft (a new entry or a revision of a published one)."""
    locked = _lock_editable(actor, resource)
    changed = apply(locked, values, [f for f in RESOURCE_FIELDS if not (locked.is_revision and f == "code")])
    if locked.region.level == "city":
        locked.catalogue = Catalogue.CITY
    full_clean(locked, exclude=["version"])
    _check_code(locked)
    with acting_as(actor):
        locked.save(update_fields=[*changed, "updated_at"])
    return locked


def resource_missing(resource: Resource) -> dict[str, list[str]]:
    """What the resource still lacks before it can be submitted (read fresh from the database)."""
    missing: dict[str, list[str]] = {}
    fresh = Resource.objects.get(pk=resource.pk)
    if not fresh.description.strip():
        missing["description"] = [_("请填写资源摘要。")]
    items = list(Item.objects.filter(resource_id=fresh.pk).values_list("personal_info", flat=True))
    if not items:
        missing["items"] = [_("请至少登记一个信息项。")]
    if any(items) and not fresh.contains_personal_info:
        missing["contains_personal_info"] = [_("信息项中有个人信息，资源须标记为含个人信息（并列为非开放）。")]
    return missing


def snapshot(resource: Resource) -> dict[str, Any]:
    fields = {f: getattr(resource, f) for f in RESOURCE_FIELDS}
    fields["provider"] = resource.provider.name
    items = list(Item.objects.filter(resource_id=resource.pk).order_by("position", "id").values(*ITEM_FIELDS))
    return {"fields": fields, "items": items}


def diff(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """Field changes ``{field: [old, new]}`` and item changes keyed by ``table.field``."""
    if old is None:
        return {}
    fields = {f: [old["fields"].get(f), v] for f, v in new["fields"].items() if old["fields"].get(f) != v}
    key = lambda i: f"{i['table_name']}.{i['field_name']}"  # noqa: E731
    before = {key(i): i for i in old["items"]}
    after = {key(i): i for i in new["items"]}
    changed = {}
    for k in sorted(before.keys() & after.keys()):
        delta = {f: [before[k].get(f), after[k].get(f)] for f in ITEM_FIELDS if before[k].get(f) != after[k].get(f)}
        if delta:
            changed[k] = delta
    result: dict[str, Any] = {}
    if fields:
        result["fields"] = fields
    added = sorted(after.keys() - before.keys())
    removed = sorted(before.keys() - after.keys())
    if added or removed or changed:
        result["items"] = {"added": added, "removed": removed, "changed": changed}
    return result


def _publish_version(*, resource: Resource, actor: Any, revision: Resource | None) -> ResourceVersion:
    previous = ResourceVersion.objects.filter(resource=resource).order_by("-number").first()
    current = snapshot(resource)
    version = ResourceVersion.objects.create(
        resource=resource, number=resource.version, snapshot=current,
        diff=diff(previous.snapshot if previous else None, current), revision=revision, published_by=actor)
    record_event(AuditEventType.DATA_VERSION_PUBLISHED, actor=actor, target=resource, region_path=resource.region.path,
                 version=version.number, changed=sorted(version.diff.get("fields", {})))
    return version


def _merge_revision(revision: Resource, actor: Any) -> Resource:
    """Copy a reviewed revision's fields and items into its resource (which keeps its id, grants, objections)."""
    original = Resource.objects.select_for_update(of=("self",)).get(pk=revision.revision_of_id)
    for name in RESOURCE_FIELDS:
        if name != "code":
            setattr(original, name, getattr(revision, name))
    original.version += 1
    original.published_at = timezone.now()
    old_ids = list(Item.objects.filter(resource=original).values_list("pk", flat=True))
    moved_ids = list(Item.objects.filter(resource=revision).values_list("pk", flat=True))
    with acting_as(actor):
        original.save()
        Item.objects.filter(pk__in=old_ids).delete()
        Item.objects.filter(pk__in=moved_ids).update(resource=original)
    record_bulk_change(model=Item, ids=old_ids, action="delete", actor=actor, region_path=original.region.path,
                       reason=f"发布修订版本 {revision.pk}")
    record_bulk_change(model=Item, ids=moved_ids, action="update", actor=actor, region_path=original.region.path,
                       reason=f"发布修订版本 {revision.pk}", changes={"resource": original.pk})
    _publish_version(resource=original, actor=actor, revision=revision)
    return original


def resource_transition(*, actor: Any, resource: Resource, action: str, comment: str = "") -> Resource:
    """submit, publish (a revision is published into its resource), return."""
    if action == "publish" and resource.is_revision:
        action = "publish_revision"

    def validate(locked: Resource, step: Transition) -> None:
        if step.action == "submit":
            missing = resource_missing(locked)
            if missing:
                raise ValidationError(missing)

    def stamp(locked: Resource, step: Transition) -> list[str]:
        now = timezone.now()
        if step.action == "submit":
            locked.submitted_at, locked.submitted_by = now, actor
            return ["submitted_at", "submitted_by", "updated_at"]
        if step.action == "publish":
            locked.published_at = now
            locked.version += 1
            locked.data_updated_on = locked.data_updated_on or timezone.localdate()
            return ["published_at", "version", "data_updated_on", "updated_at"]
        return ["updated_at"]

    extra: dict[str, Any] = {}
    if action == "submit":
        from ..selectors import duplicate_sources

        extra["duplicates"] = [d["label"] + " ← " + d["provider"] for d in duplicate_sources(resource=resource)][:50]
    with transaction.atomic():
        result = transition(RESOURCE_WORKFLOW, obj=resource, action=action, actor=actor, comment=comment,
                            extra_update=stamp, validate=validate, **extra)
        if result.status == ResourceStatus.PUBLISHED:
            _publish_version(resource=result, actor=actor, revision=None)
        elif result.status == ResourceStatus.MERGED:
            _merge_revision(result, actor)
    return result


@transaction.atomic
def resource_revise(*, actor: Any, resource: Resource) -> Resource:
    """Start a change to a published entry: a draft copy (fields and items) that is reviewed again. The entry stays
    in the catalogue unchanged until the revision is published. One open revision per entry: asking again returns
    the open one."""
    original = Resource.objects.select_for_update(of=("self",)).get(pk=resource.pk)
    if not perms.may_edit_resource(actor, original):
        raise PermissionDenied(_("只有提供单位的数据专员可以发起变更。"))
    if original.status != ResourceStatus.PUBLISHED or original.is_revision:
        raise Conflict(_("只有已发布的数据资源可以发起变更。"), status=original.status)
    open_revision = original.revisions.filter(status__in=[ResourceStatus.DRAFT, ResourceStatus.SUBMITTED]).first()
    if open_revision is not None:
        return open_revision
    revision = Resource(region=original.region, provider=original.provider, revision_of=original, created_by=actor,
                        version=original.version, data_updated_on=original.data_updated_on)
    for name in RESOURCE_FIELDS:
        setattr(revision, name, getattr(original, name))
    items = [Item(resource=revision, position=i.position, label_key=i.label_key,
                  **{f: getattr(i, f) for f in ITEM_FIELDS}) for i in original.items.all()]
    with acting_as(actor):
        revision.save()
        created = Item.objects.bulk_create(items, batch_size=1000)
    record_bulk_change(model=Item, ids=[i.pk for i in created if i.pk], action="create", actor=actor,
                       region_path=original.region.path, reason=f"数据资源 {original.pk} 的修订版本")
    return revision


@transaction.atomic
def resource_report_update(*, actor: Any, resource: Resource, updated_on: Any = None) -> Resource:
    """The provider reports that the resource's data was updated (the basis of the timeliness check)."""
    locked = Resource.objects.select_for_update(of=("self",)).get(pk=resource.pk)
    if not perms.may_edit_resource(actor, locked):
        raise PermissionDenied(_("只有提供单位的数据专员可以报告数据更新。"))
    if locked.status != ResourceStatus.PUBLISHED:
        raise Conflict(_("只有已发布的数据资源可以报告数据更新。"), status=locked.status)
    today = timezone.localdate()
    updated_on = updated_on or today
    if updated_on > today:
        raise ValidationError({"updated_on": [_("更新日期不能晚于今天。")]})
    locked.data_updated_on = updated_on
    with acting_as(actor):
        locked.save(update_fields=["data_updated_on", "updated_at"])
    return locked
