"""The data-assets fixtures (tests/dataassets/factories.py) for the tests of this package."""

from .factories import da, make_resource  # noqa: F401
