from django.apps import AppConfig


class HousingConfig(AppConfig):
    name = "chungtay.housing"
    label = "housing"
    verbose_name = "Hỗ trợ nhà ở"
