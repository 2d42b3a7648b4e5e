"""Issue 9 (6): every write is audited, bulk ones too. django-auditlog sees ``save`` and ``delete`` (a QuerySet
delete sends its signals per row); ``QuerySet.update``, ``bulk_create`` and ``bulk_update`` it does not — so every
function of a service or task that writes in bulk also calls :func:`shequyun.audit.record_bulk_change`, naming every
affected id. The walk below keeps it so; the tests after it run each such service and task (twice, where it may
rerun) and read the events."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import User
from scenarios.models import Application, Evaluation, Status, UsageMetric
from shequyun.models import AuditEvent, AuditEventType

ROOT = Path(__file__).resolve().parents[1]
APPS = ("accounts", "scenarios", "content", "security", "dataassets", "shequyun")
BULK = {"update", "bulk_create", "bulk_update"}

#: Bulk writes that are not audited, with the reason.
EXEMPT = {
    "shequyun/notifications/services.py:notify": "notifications are themselves the record of what was sent to whom",
    "shequyun/notifications/services.py:notification_mark_read": "a recipient's own read marks, not business data",
    "shequyun/notifications/tasks.py:send_notification_emails": "delivery bookkeeping of a notification (claimed / released)",
    "shequyun/notifications/services.py:email_claim": "delivery bookkeeping of a notification (claimed for sending)",
    "shequyun/notifications/services.py:email_release": "delivery bookkeeping of a notification (released on failure)",
}


def _write_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" in rel or "/management/" in rel:
                continue
            if "/services/" in rel or rel.endswith(("tasks.py", "services.py")) or rel == "shequyun/staging.py":
                yield rel, ast.parse(path.read_text(encoding="utf-8"))


def _is_queryset(node: ast.AST) -> bool:
    text = ast.unparse(node)
    return any(marker in text for marker in (".objects", "filter(", "queryset", ".all()", "through"))


def test_every_bulk_write_in_services_and_tasks_is_audited():
    unaudited = []
    for rel, tree in _write_modules():
        for function in (n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)):
            source = ast.unparse(function)
            writes = [call for call in ast.walk(function) if isinstance(call, ast.Call)
                      and isinstance(call.func, ast.Attribute) and call.func.attr in BULK
                      and _is_queryset(call.func.value)]
            key = f"{rel}:{function.name}"
            if writes and "record_bulk_change" not in source and key not in EXEMPT:
                unaudited.append(f"{key} ({', '.join(w.func.attr for w in writes)})")
    assert not unaudited, f"bulk writes without record_bulk_change: {unaudited}"


def _bulk(model: str, action: str | None = None):
    events = AuditEvent.objects.filter(event_type=AuditEventType.BULK_CHANGE, extra__model=model)
    return events.filter(extra__action=action) if action else events


@pytest.mark.django_db
def test_password_expiry_task_records_every_flagged_account_once(make_user):
    from accounts.tasks import remind_password_expiry

    stale = [make_user("dongming", username=f"stale{i}") for i in range(3)]
    User.objects.filter(pk__in=[u.pk for u in stale]).update(password_changed_at=timezone.now() - dt.timedelta(days=400))
    remind_password_expiry()
    remind_password_expiry()  # a rerun flags nobody again
    events = _bulk("accounts.user", "update").filter(extra__reason="password_expired")
    assert events.count() == 1
    assert sorted(events.get().extra["ids"]) == sorted(str(u.pk) for u in stale)
    assert User.objects.filter(must_change_password=True).count() == 3


@pytest.mark.django_db
def test_opening_a_campaign_records_every_evaluation_once(make_scenario, actors):
    from scenarios.services.evaluations import campaign_open

    scenarios = [make_scenario(Status.ONLINE, name=f"场景{i}") for i in range(3)]
    region = actors["reviewer"].region
    campaign = campaign_open(region=region, period="2026Q4", actor=actors["reviewer"])
    campaign_open(region=region, period="2026Q4", actor=actors["reviewer"])  # completing again adds nothing
    assert Evaluation.objects.count() == 3
    event = _bulk("scenarios.evaluation", "create").get()
    assert sorted(event.extra["ids"]) == sorted(str(pk) for pk in campaign.evaluations.values_list("pk", flat=True))
    assert event.actor == actors["reviewer"]
    assert event.region_path == region.path
    assert {e.scenario_id for e in campaign.evaluations.all()} == {s.pk for s in scenarios}


@pytest.mark.django_db
def test_quarterly_task_records_its_evaluations(make_scenario):
    from scenarios.services.evaluations import open_quarterly_campaigns

    make_scenario(Status.ONLINE)
    open_quarterly_campaigns()
    open_quarterly_campaigns()
    assert Evaluation.objects.count() == sum(len(e.extra["ids"]) for e in _bulk("scenarios.evaluation", "create"))


@pytest.mark.django_db
def test_metrics_push_records_the_upserted_rows(make_scenario, actors):
    from scenarios.services.evaluations import metrics_push

    scenario = make_scenario(Status.ONLINE)
    day = timezone.localdate() - dt.timedelta(days=1)
    row = {"date": day, "active_users": 5, "visits": 9, "households_reached": 2}
    metrics_push(actor=actors["applicant"], scenario=scenario, rows=[row])
    metrics_push(actor=actors["applicant"], scenario=scenario, rows=[{**row, "visits": 10}])
    assert UsageMetric.objects.count() == 1
    events = _bulk("scenarios.usagemetric", "upsert").order_by("created_at", "id")
    assert events.count() == 2  # two writes, two records: who set the visits to 9, and who to 10
    assert events.last().extra["ids"] == [str(UsageMetric.objects.get().pk)]
    assert events.last().extra["changes"]["rows"][0]["visits"] == 10


@pytest.mark.django_db
def test_submit_and_approve_stamp_the_application_on_record(make_scenario, actors):
    scenario = make_scenario(Status.APPROVED)
    application = Application.objects.get(scenario=scenario)
    for reason in ("submit", "approve"):
        event = _bulk("scenarios.application").get(extra__reason=reason)
        assert event.extra["ids"] == [str(application.pk)]


@pytest.mark.django_db
def test_reference_data_load_records_created_and_updated_regions(tmp_path):
    from accounts.models import Region
    from accounts.services import regions_load

    csv = tmp_path / "regions.csv"
    rows = [(r.code, r.name, r.level, r.parent.code if r.parent else "") for r in
            Region.objects.filter(code__in=["310000000000", "310115000000"]).select_related("parent")]
    csv.write_text("\n".join(["code,name,level,parent_code", *(",".join(r) for r in rows),
                              "310115999000,新设街道,street,310115000000"]), encoding="utf-8")
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    regions_load(csv_path=csv)
    event = _bulk("accounts.region", "create").get(pk__gt=last)
    assert event.extra["ids"] == [str(Region.objects.get(code="310115999000").pk)]
