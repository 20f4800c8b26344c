from django.apps import AppConfig


class ReorgConfig(AppConfig):
    name = "chungtay.reorg"
    label = "reorg"
    verbose_name = "Sắp xếp đơn vị hành chính"
