"""Root pytest configuration: shared fixtures live in tests/fixtures.py and tests/browser.py."""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API keeps an event loop in the thread

pytest_plugins = ["tests.clock", "tests.fixtures", "tests.browser", "tests.scenarios.factories"]
