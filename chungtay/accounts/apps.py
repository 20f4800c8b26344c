from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "chungtay.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"

    def ready(self) -> None:
        from . import twofactor  # noqa: F401 - connects the receiver that clears failures after a full sign-in
