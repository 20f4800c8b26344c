from django.apps import AppConfig


class HousingConfig(AppConfig):
    name = "chungtay.housing"
    label = "housing"
    verbose_name = "Hỗ trợ nhà ở"

    def ready(self) -> None:
        from chungtay.core.imports import register

        from . import own_figures  # noqa: F401 — gives the kept figures (tallies.rollup) a unit's own houses
        from .import_adapter import HouseholdImport

        register(HouseholdImport())
