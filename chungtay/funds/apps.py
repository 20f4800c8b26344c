from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "chungtay.funds"
    label = "funds"
    verbose_name = "Quỹ và nguồn vận động"
