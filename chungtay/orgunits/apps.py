from django.apps import AppConfig


class OrgUnitsConfig(AppConfig):
    name = "chungtay.orgunits"
    label = "orgunits"
    verbose_name = "Đơn vị"
