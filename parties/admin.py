from django.contrib import admin

from parties.models import MemberUnit


@admin.register(MemberUnit)
class MemberUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "remit", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "community__name"]
    raw_id_fields = ["community"]
