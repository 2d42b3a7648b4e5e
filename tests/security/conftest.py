from tests.security.factories import active_plan, report, sec  # noqa: F401  (fixtures)
