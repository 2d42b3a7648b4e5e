"""Content fixtures for the tests of this folder (tests/content/factories.py)."""

from .factories import chain, make_item, people  # noqa: F401
