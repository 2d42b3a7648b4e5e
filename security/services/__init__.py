"""Every write of the security module (one module per aggregate); import from here."""

from .assessments import agreement_save, assessment_save
from .categories import category_update
from .drills import drill_complete, drill_create, drill_transition, training_create
from .incidents import (
    disconnected_for,
    escalate_overdue,
    incident_acknowledge,
    incident_activate_plan,
    incident_confirm_grade,
    incident_disconnect,
    incident_reconnect,
    incident_report,
    incident_resolve,
    incident_review,
    incident_transition,
    plans_for,
    suggest_grade,
)
from .plans import plan_create, plan_revision_open, plan_transition, plan_version_update
from .reminders import send_reminders

__all__ = [
    "agreement_save", "assessment_save", "category_update", "disconnected_for", "drill_complete", "drill_create",
    "drill_transition", "escalate_overdue", "incident_acknowledge", "incident_activate_plan", "incident_confirm_grade",
    "incident_disconnect", "incident_reconnect", "incident_report", "incident_resolve", "incident_review",
    "incident_transition", "plan_create", "plan_revision_open", "plan_transition", "plan_version_update", "plans_for",
    "send_reminders", "suggest_grade", "training_create",
]
