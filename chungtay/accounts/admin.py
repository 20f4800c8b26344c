from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class ChungTayUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Chung Tay", {"fields": ("full_name", "position", "phone")}))  # type: ignore[misc]
    list_display = ("username", "full_name", "email", "is_active", "is_staff")
    search_fields = ("username", "full_name", "email")
