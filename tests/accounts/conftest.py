"""Fixtures of the unified identity tests: a real OpenID Connect provider process (tests/oidc_platform)."""

from tests.oidc_platform.harness import platform, platform_database  # noqa: F401 (fixtures)
