from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "chungtay.portal"
    label = "portal"
    verbose_name = "Trang công khai"
