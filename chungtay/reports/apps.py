from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "chungtay.reports"
    label = "reports"
    verbose_name = "Theo dõi, đôn đốc, báo cáo"
