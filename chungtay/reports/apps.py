from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "chungtay.reports"
    label = "reports"
    verbose_name = "Theo dõi, đôn đốc, báo cáo"

    def ready(self) -> None:
        from . import signals  # noqa: F401 — connects the receivers that keep subtree figures
