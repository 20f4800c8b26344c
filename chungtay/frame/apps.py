from django.apps import AppConfig


class FrameConfig(AppConfig):
    """The site's frame for signed-in people: the home page and the menu. It sits above every other app
    (docs/architecture.md), as it shows what they hold: a person's units, roles and unread notifications."""

    name = "chungtay.frame"
    label = "frame"
    verbose_name = "Trang chủ và trình đơn"
