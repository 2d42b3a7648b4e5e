"""The data-assets fixtures (tests/dataassets/factories.py) for the tests of this package."""

from .factories import da, make_issue, make_objection, make_resource, make_sharing  # noqa: F401
