from django.contrib import admin

from .models import AwardRule


@admin.register(AwardRule)
class AwardRuleAdmin(admin.ModelAdmin):
    list_display = ("form_name", "level", "conferrer", "cash_collective", "cash_individual")
    list_filter = ("level",)
