"""Every write of the scenarios app, one module per aggregate: ``scenarios`` (registration, the onboarding
application and the lifecycle) and ``evaluations`` (campaigns, usage metrics, reports). Import from the modules;
the lifecycle's public functions are also named here because every module that acts on a scenario needs them."""

from .scenarios import (
    APPLICATION_FIELDS,
    SCENARIO_FIELDS,
    WORKFLOW,
    application_missing,
    application_update,
    deadlines_recheck,
    scenario_create,
    scenario_merge,
    scenario_promote,
    scenario_rectify,
    scenario_transition,
)

__all__ = ["APPLICATION_FIELDS", "SCENARIO_FIELDS", "WORKFLOW", "application_missing", "application_update", "deadlines_recheck", "scenario_create",
           "scenario_merge", "scenario_promote", "scenario_rectify", "scenario_transition"]
