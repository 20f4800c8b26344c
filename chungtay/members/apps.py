from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "chungtay.members"
    label = "members"
    verbose_name = "Tổ chức thành viên, đóng góp hiện vật"
