"""All writes on scenarios. Each checks permission, validates, transitions through the one table, audits, notifies."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, Region
from shequyun.audit import acting_as, record_bulk_change
from shequyun.errors import Conflict
from shequyun.files import delete_on_commit
from shequyun.notifications.services import notify
from shequyun.uploads import sniff_upload, stored_file
from shequyun.workflow import Transition, Workflow, transition

from ..models import Application, Scenario, ScenarioEvent, Status
from ..permissions import may_apply_for, may_evaluate
from ..similarity import tokenize
from ..transitions import TRANSITIONS

REPORT_TYPES = {"pdf", "docx", "doc"}
REPORT_MAX_BYTES = 20 * 1024 * 1024
SCENARIO_FIELDS = ["name", "category", "responsible_person", "developer_name", "developer_credit_code",
                   "developer_contact", "developer_phone", "has_public_opinion"]
APPLICATION_FIELDS = ["function_summary", "operating_mechanism", "integration_needs", "developer_info", "behaviour_plan"]


def _record(scenario: Scenario, step: Transition, actor: Any, comment: str, previous: str, **extra: Any) -> None:
    ScenarioEvent.objects.create(scenario=scenario, action=step.action, from_status=previous, to_status=step.target,
                                 actor=actor, comment=comment or "", extra=extra)


def _after(scenario: Scenario, step: Transition, actor: Any, comment: str) -> None:
    """Whoever must act next (the holders of the new state's waiting rules) and the registrant hear of it."""
    people = {u.pk: u for u in WORKFLOW.next_actors(scenario)}
    if scenario.created_by is not None:
        people.setdefault(scenario.created_by_id, scenario.created_by)
    notify(
        recipients=[u for pk, u in people.items() if pk != getattr(actor, "pk", None)],
        title=_("应用场景“%(name)s”：%(action)s") % {"name": scenario.name, "action": step.label},
        body=comment,
        url=f"/scenarios/{scenario.pk}/",
        target=scenario,
    )


WORKFLOW = Workflow(name="scenario", transitions=TRANSITIONS, record=_record, after=_after)


def _apply(scenario: Scenario, values: dict[str, Any], fields: list[str]) -> list[str]:
    changed = []
    for name in fields:
        if name in values and values[name] is not None:
            setattr(scenario, name, values[name])
            changed.append(name)
    return changed


def _full_clean(obj: Any, exclude: list[str] | None = None) -> None:
    obj.full_clean(exclude=exclude or [], validate_unique=False, validate_constraints=False)


@transaction.atomic
def scenario_create(*, actor: Any, region: Region, building_unit: Organisation | None = None,
                    risk_report: Any = None, **values: Any) -> Scenario:
    """Register a scenario built by ``region`` and open its (draft) onboarding application, with its risk report
    when one is given. One transaction: a refused part (a field, the report) leaves nothing behind, so a retry
    cannot leave a duplicate draft."""
    if not may_apply_for(actor, region):
        raise PermissionDenied(_("只有建设区域的工作人员可以登记应用场景。"))
    if building_unit is None:
        building_unit = actor.organisation if actor.organisation and actor.organisation.region_id == region.pk else (
            Organisation.objects.filter(region=region).order_by("pk").first() or actor.organisation)
    scenario = Scenario(region=region, building_unit=building_unit, created_by=actor)
    _apply(scenario, values, SCENARIO_FIELDS)
    application = Application(**{k: values.get(k) or "" for k in APPLICATION_FIELDS})
    errors: dict[str, list[str]] = {}
    for obj, exclude in ((scenario, ["search_tokens"]), (application, ["scenario", "risk_report"])):
        try:
            _full_clean(obj, exclude=exclude)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    extension = None
    if risk_report:
        try:
            extension = sniff_upload(risk_report, field="risk_report", allowed=REPORT_TYPES, max_bytes=REPORT_MAX_BYTES)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    scenario.search_tokens = " ".join(tokenize(scenario.name, application.function_summary))
    if extension is not None:
        application.risk_report_name = str(getattr(risk_report, "name", ""))[:255]
        application.risk_report_type = extension
        application.risk_report.save(stored_file(risk_report, extension=extension).name, risk_report, save=False)
    with acting_as(actor):
        scenario.save()
        application.scenario = scenario
        application.save()
    return scenario


def _require_draft_applicant(actor: Any, scenario: Scenario) -> None:
    if not may_apply_for(actor, scenario.region):
        raise PermissionDenied(_("只有申请单位可以修改申请。"))
    if scenario.status != Status.DRAFT:
        raise Conflict(_("申请已提交，不能修改（当前状态：%(s)s）。") % {"s": scenario.get_status_display()},
                       status=scenario.status)


@transaction.atomic
def application_update(*, actor: Any, scenario: Scenario, risk_report: Any = None, **values: Any) -> Scenario:
    """Edit a draft: scenario fields and application fields; a new risk report replaces the old one."""
    scenario = Scenario.objects.select_for_update(of=("self",)).get(pk=scenario.pk)
    _require_draft_applicant(actor, scenario)
    application = scenario.application
    changed = _apply(scenario, values, SCENARIO_FIELDS)
    app_changed = _apply(application, values, APPLICATION_FIELDS)
    _full_clean(scenario, exclude=["search_tokens"])
    if risk_report is not None:
        extension = sniff_upload(risk_report, field="risk_report", allowed=REPORT_TYPES, max_bytes=REPORT_MAX_BYTES)
        application.risk_report_name = str(getattr(risk_report, "name", ""))[:255]
        application.risk_report_type = extension
        delete_on_commit(application.risk_report)  # the replaced report goes once the new one is recorded
        application.risk_report.save(stored_file(risk_report, extension=extension).name, risk_report, save=False)
        app_changed += ["risk_report", "risk_report_name", "risk_report_type"]
    scenario.search_tokens = " ".join(tokenize(scenario.name, application.function_summary))
    with acting_as(actor):
        scenario.save(update_fields=[*changed, "search_tokens", "updated_at"])
        if app_changed:
            application.save(update_fields=app_changed)
    return scenario


def application_missing(scenario: Scenario, *, application: Application | None = None) -> dict[str, list[str]]:
    """What 000 Art. 12 requires and the application still lacks, field by field (read fresh from the database
    unless the caller passes the ``application`` it already loaded, as the API list does for each row)."""
    if application is None:
        application = Application.objects.get(scenario_id=scenario.pk)
    required = {
        "function_summary": _("请填写功能概述。"),
        "operating_mechanism": _("请填写运行机制。"),
        "integration_needs": _("请填写技术对接需求。"),
        "developer_info": _("请填写开发单位情况。"),
    }
    missing = {f: [m] for f, m in required.items() if not getattr(application, f).strip()}
    if not application.risk_report:
        missing["risk_report"] = [_("请上传安全风险评估报告（PDF 或 Word）。")]
    if scenario.has_public_opinion and not application.behaviour_plan.strip():
        missing["behaviour_plan"] = [_("具有舆论属性或社会动员能力的场景须提交用户行为管理方案。")]
    return missing


#: Checks run before a disconnected scenario is reconnected: each takes the locked scenario and the disconnect history
#: row that took it offline and raises ``Conflict`` to refuse. The security module registers one (a scenario
#: disconnected because of an incident comes back only once that incident is contained), so scenarios never import
#: security.
RECONNECT_GUARDS: list[Any] = []


def _check_reconnect(locked: Scenario) -> None:
    cause = (ScenarioEvent.objects.filter(scenario=locked, action="disconnect").order_by("-created_at", "-id")
             .first())
    for guard in RECONNECT_GUARDS:
        guard(locked, cause)


def scenario_transition(*, actor: Any, scenario: Scenario, action: str, comment: str = "", **extra: Any) -> Scenario:
    """Plain transitions (submit, approve, return, reject, file, go_online, report_rectified, offboard,
    request_offboarding, disconnect, reconnect). Merge, promote and rectify have their own services.
    ``extra`` (e.g. ``incident=<id>`` from the security module) is kept in the history row."""
    from ..transitions import SPECIAL_ACTIONS

    if action in SPECIAL_ACTIONS:
        raise Conflict(_("该操作需要更多信息。"), action=action)

    def complete(locked: Scenario, step: Transition) -> None:
        if step.action == "reconnect":
            _check_reconnect(locked)
        if step.action == "submit":
            missing = application_missing(locked)
            if missing:
                raise ValidationError(missing)

    def stamp(locked: Scenario, step: Transition) -> list[str]:
        now = timezone.now()
        stamped = {"submit": "submitted_at", "approve": "decided_at", "reject": "decided_at"}.get(step.action)
        if stamped:
            applications = Application.objects.filter(scenario=locked)
            ids = list(applications.values_list("pk", flat=True))
            applications.update(**{stamped: now})
            record_bulk_change(model=Application, ids=ids, action="update", actor=actor, reason=step.action,
                               changes={stamped: now}, region_path=locked.region.path)
        elif step.action == "go_online":
            locked.online_since = now
            return ["online_since", "updated_at"]
        elif step.action == "report_rectified":
            locked.rectify_deadline = None
            return ["rectify_deadline", "updated_at"]
        return ["updated_at"]

    return transition(WORKFLOW, obj=scenario, action=action, actor=actor, comment=comment, extra_update=stamp,
                      validate=complete, **extra)


def scenario_merge(*, actor: Any, scenario: Scenario, into: Scenario, comment: str) -> Scenario:
    """Merge a similar scenario into a survivor: it goes offline and points at the survivor; both histories
    keep the link. The survivor is judged only for someone who may merge (state → permission → input)."""

    def check(locked: Scenario, step: Transition) -> None:
        if into.pk == locked.pk:
            raise ValidationError({"into": [_("不能合并到自身。")]})
        if into.status != Status.ONLINE or into.merged_into_id:
            raise ValidationError({"into": [_("只能合并到运行中的场景。")]})
        if not may_evaluate(actor, into.region):
            raise ValidationError({"into": [_("目标场景不在您的管辖范围内。")]})

    def point(locked: Scenario, step: Transition) -> list[str]:
        locked.merged_into = into
        return ["merged_into", "updated_at"]

    with transaction.atomic():
        merged = transition(WORKFLOW, obj=scenario, action="merge", actor=actor, comment=comment, validate=check,
                            extra_update=point, merged_into=into.pk)
        with acting_as(actor):
            ScenarioEvent.objects.create(scenario=into, action="absorbed", from_status=into.status,
                                         to_status=into.status, actor=actor, comment=comment,
                                         extra={"merged_from": scenario.pk})
    return merged


def scenario_promote(*, actor: Any, scenario: Scenario, regions: list[Region], comment: str = "") -> Scenario:
    """Widen a scenario's scope to more regions (all within the evaluator's subtree)."""

    def check(locked: Scenario, step: Transition) -> None:
        if not regions:
            raise ValidationError({"regions": [_("请选择推广的区域。")]})
        outside = [r.name for r in regions if not may_evaluate(actor, r)]
        if outside:
            raise ValidationError({"regions": [_("不在您的管辖范围内：%(r)s") % {"r": "、".join(outside)}]})

    with transaction.atomic():
        promoted = transition(WORKFLOW, obj=scenario, action="promote", actor=actor, comment=comment, validate=check,
                              regions=[r.code for r in regions])
        with acting_as(actor):
            promoted.scope_regions.add(*regions)
    return promoted


def scenario_rectify(*, actor: Any, scenario: Scenario, deadline: date, comment: str,
                     working_days_from: tuple[date, int] | None = None) -> Scenario:
    """Require rectification by ``deadline``. When the deadline was computed in working days, pass
    ``working_days_from=(start, n)``: it is kept in the history so a later calendar change that would move the
    deadline can be detected and logged (the stored deadline itself does not change)."""

    def check(locked: Scenario, step: Transition) -> None:
        if deadline is None or deadline <= timezone.localdate():
            raise ValidationError({"deadline": [_("整改期限必须晚于今天。")]})

    def set_deadline(locked: Scenario, step: Transition) -> list[str]:
        locked.rectify_deadline = deadline
        return ["rectify_deadline", "updated_at"]

    basis = {"start": working_days_from[0].isoformat(), "working_days": working_days_from[1]} if working_days_from else {}
    return transition(WORKFLOW, obj=scenario, action="rectify", actor=actor, comment=comment, validate=check,
                      extra_update=set_deadline, deadline=deadline.isoformat(), **basis)


def deadlines_recheck(*, changed_dates: list[date]) -> int:
    """After the working-day calendar changed (an override was entered or removed), log every stored rectification
    deadline that the new calendar would place on another day. The stored deadline stands; the log says so."""
    from shequyun.workdays import calendar, log_moved_deadline

    if not changed_dates:
        return 0
    earliest = min(changed_dates)
    logged = 0
    for scenario in Scenario.objects.filter(status=Status.RECTIFYING, rectify_deadline__gte=earliest).select_related(
            "region"):
        event = scenario.events.filter(action="rectify").order_by("-created_at", "-id").first()
        if event is None or "working_days" not in event.extra:
            continue
        start = date.fromisoformat(event.extra["start"])
        if start > max(changed_dates):
            continue
        recomputed = calendar.add_working_days(start, int(event.extra["working_days"]))
        logged += log_moved_deadline(target=scenario, region_path=scenario.region.path,
                                     stored=scenario.rectify_deadline, recomputed=recomputed,
                                     changed_dates=changed_dates)
    return logged
