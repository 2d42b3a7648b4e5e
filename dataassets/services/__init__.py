"""Every write of the data-assets module. Each service is keyword-only with an ``actor``, atomic, and goes:
permission (403) → validation naming the field (400) → write → audit → notify on commit. Status changes go through
the workflow tables of ``dataassets/transitions.py`` and the one engine (409 on an illegal or stale action)."""

from .items import ImportReport, item_add, item_delete, item_update, items_import, items_parse
from .objections import (
    OBJECTION_WORKFLOW,
    clocks_recheck,
    objection_decide,
    objection_escalate_overdue,
    objection_file,
    objection_mark,
    objection_transfer,
)
from .quality import QUALITY_WORKFLOW, quality_check, quality_resolve
from .resources import (
    RESOURCE_FIELDS,
    RESOURCE_WORKFLOW,
    resource_create,
    resource_missing,
    resource_report_update,
    resource_revise,
    resource_transition,
    resource_update,
)
from .sharing import (
    SHARING_WORKFLOW,
    sharing_approve,
    sharing_expire,
    sharing_expire_due,
    sharing_reject,
    sharing_request_create,
)

__all__ = [
    "OBJECTION_WORKFLOW",
    "QUALITY_WORKFLOW",
    "RESOURCE_FIELDS",
    "RESOURCE_WORKFLOW",
    "SHARING_WORKFLOW",
    "ImportReport",
    "clocks_recheck",
    "item_add",
    "item_delete",
    "item_update",
    "items_import",
    "items_parse",
    "objection_decide",
    "objection_escalate_overdue",
    "objection_file",
    "objection_mark",
    "objection_transfer",
    "quality_check",
    "quality_resolve",
    "resource_create",
    "resource_missing",
    "resource_report_update",
    "resource_revise",
    "resource_transition",
    "resource_update",
    "sharing_approve",
    "sharing_expire",
    "sharing_expire_due",
    "sharing_reject",
    "sharing_request_create",
]
