"""Shared builders: the figures tests' small movement of houses and money on known 2024 days, and
the reports tests' 2024 movement (participations, obligations, a scored assessment)."""

from chungtay.figures.tests.conftest import house, norm, scenario  # noqa: F401
from chungtay.reports.tests.conftest import movement, obligation, participate  # noqa: F401
from chungtay.reports.tests.test_review import year  # noqa: F401
