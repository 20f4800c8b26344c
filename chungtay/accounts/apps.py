from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "chungtay.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"
