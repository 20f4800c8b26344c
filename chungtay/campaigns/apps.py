from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "chungtay.campaigns"
    label = "campaigns"
    verbose_name = "Phong trào thi đua"
