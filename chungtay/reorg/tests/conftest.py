"""The figures tests' small movement (houses and money on known 2024 days), shared here."""

from chungtay.figures.tests.conftest import house, norm, scenario  # noqa: F401
