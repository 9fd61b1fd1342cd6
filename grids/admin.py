from django.contrib import admin

from grids import services
from grids.models import Area, Post


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "path"]
    list_filter = ["level"]
    search_fields = ["name", "code", "path"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path"]

    def save_model(self, request, obj, form, change):
        if change:
            services.area_update(area=obj, code=obj.code, name=obj.name, parent=obj.parent)
        else:
            created = services.area_create(
                code=obj.code, name=obj.name, level=obj.level, parent=obj.parent
            )
            obj.pk, obj.path = created.pk, created.path


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "area", "member_unit"]
    list_filter = ["role"]
    search_fields = ["user__username", "area__name", "area__code"]
    raw_id_fields = ["user", "area", "member_unit"]
