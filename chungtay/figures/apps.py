from django.apps import AppConfig


class FiguresConfig(AppConfig):
    name = "chungtay.figures"
    label = "figures"
    verbose_name = "Danh mục số liệu"

    def ready(self) -> None:
        from . import definitions  # noqa: F401 - registers every figure of the catalogue
        from . import good_models  # noqa: F401 - good models and their replication, as of a date
        from . import funds  # noqa: F401 - per-fund figures and households' allocations from every source
