from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "chungtay.api"
    label = "api"
    verbose_name = "API"
