from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ApiToken, User


@admin.register(User)
class ChungTayUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Chung Tay", {"fields": ("full_name", "position", "phone")}))  # type: ignore[misc]
    list_display = ("username", "full_name", "email", "is_active", "is_staff")
    search_fields = ("username", "full_name", "email")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """To see and delete (revoke) anyone's tokens; they are made only through accounts.services.token_issue."""

    list_display = ("user", "name", "created", "expiry", "last_used", "second_factor")
    list_select_related = ("user",)
    search_fields = ("user__username", "name")
    fields = ("user", "name", "created", "expiry", "last_used", "second_factor")
    readonly_fields = fields

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
