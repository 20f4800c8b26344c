from django.apps import AppConfig


class OrgUnitsConfig(AppConfig):
    name = "chungtay.orgunits"
    label = "orgunits"
    verbose_name = "Đơn vị"

    def ready(self) -> None:
        from chungtay.core.imports import register

        from .import_adapter import UnitImport

        register(UnitImport())
