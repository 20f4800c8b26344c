from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "chungtay.core"
    label = "core"
    verbose_name = "Dùng chung"
