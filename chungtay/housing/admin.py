from django.contrib import admin

from .models import HandlingTime, SupportNorm


@admin.register(HandlingTime)
class HandlingTimeAdmin(admin.ModelAdmin):
    list_display = ("kind", "days")


@admin.register(SupportNorm)
class SupportNormAdmin(admin.ModelAdmin):
    list_display = ("programme", "kind", "amount", "valid_from", "valid_to", "legal_basis")
