"""Every write of the accounts app, one module per aggregate: ``accounts`` (people: tiered provisioning, passwords,
roles, anomalies), ``imports`` (bulk provisioning from a spreadsheet) and ``regions`` (the hierarchy, organisations,
population). Import from the modules; the reference-data loaders are also named here for the management commands."""

from .regions import organisation_ensure, region_update_population, regions_load, roles_ensure, user_set_font_scale

__all__ = ["organisation_ensure", "region_update_population", "regions_load", "roles_ensure", "user_set_font_scale"]
