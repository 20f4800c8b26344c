from django.contrib import admin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .models import MemberOrganisation, Membership, OrgUnit, UnitSuccession


@admin.register(OrgUnit)
class OrgUnitAdmin(TreeAdmin):
    form = movenodeform_factory(OrgUnit)
    list_display = ("name", "kind", "level", "code", "valid_from", "valid_to")
    search_fields = ("name", "name_folded", "code")


admin.site.register(UnitSuccession)
admin.site.register(MemberOrganisation)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "unit", "role")
    list_filter = ("role",)
    raw_id_fields = ("user", "unit")
