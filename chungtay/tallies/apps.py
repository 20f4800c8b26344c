from django.apps import AppConfig


class TalliesConfig(AppConfig):
    name = "chungtay.tallies"
    label = "tallies"
    verbose_name = "Số liệu lưu sẵn"
