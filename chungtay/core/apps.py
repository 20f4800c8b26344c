from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "chungtay.core"
    label = "core"
    verbose_name = "Dùng chung"

    def ready(self) -> None:
        from . import choices, fonts  # noqa: F401 - fonts registers its deploy check

        choices.install()  # once every model class exists
