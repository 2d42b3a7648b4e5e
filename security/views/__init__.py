"""Browser pages of the security module. Every write is one call into security/services/."""

from .incidents import incident_act, incident_detail, incident_list, incident_new, incident_review
from .plans import plan_act, plan_detail, plan_diff, plan_edit, plan_list, plan_new
from .registers import (
    agreement_detail,
    agreement_list,
    agreement_new,
    assessment_detail,
    assessment_list,
    assessment_new,
    category_edit,
    category_list,
    dashboard,
    drill_act,
    drill_complete,
    drill_detail,
    drill_list,
    drill_new,
    training_coverage,
    training_detail,
    training_list,
    training_new,
)

__all__ = [
    "agreement_detail", "agreement_list", "agreement_new", "assessment_detail", "assessment_list", "assessment_new",
    "category_edit", "category_list", "dashboard", "drill_act", "drill_complete", "drill_detail", "drill_list",
    "drill_new", "incident_act", "incident_detail", "incident_list", "incident_new", "incident_review", "plan_act",
    "plan_detail", "plan_diff", "plan_edit", "plan_list", "plan_new", "training_coverage", "training_detail",
    "training_list", "training_new",
]
