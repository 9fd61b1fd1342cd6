from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from grids import services
from grids.models import Area, Department, MemberUnit, Post


class ChildInline(admin.TabularInline):
    model = Area
    fk_name = "parent"
    fields = ["code", "name", "level"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    verbose_name = _("下级区域")
    verbose_name_plural = _("下级区域")
    ordering = ["code"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "parent", "path", "children_link"]
    list_filter = ["level"]
    list_select_related = ["parent"]
    search_fields = ["name", "code", "path"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path"]
    inlines = [ChildInline]

    @admin.display(description=_("下级"))
    def children_link(self, obj: Area) -> str:
        if obj.level >= 5:
            return "—"
        url = reverse("admin:grids_area_changelist") + f"?parent__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("查看下级"))

    def get_inlines(self, request, obj=None):
        return self.inlines if obj else []

    def get_readonly_fields(self, request, obj=None):
        # The level is fixed once a node exists: moving it must keep the tree's shape.
        return ["path", "level"] if obj else ["path"]

    def save_model(self, request, obj, form, change):
        if change:
            services.area_update(area=obj, code=obj.code, name=obj.name, parent=obj.parent)
        else:
            created = services.area_create(
                code=obj.code, name=obj.name, level=obj.level, parent=obj.parent
            )
            obj.pk, obj.path = created.pk, created.path


class PostAdminForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = ["user", "role", "area", "member_unit", "department"]

    def clean(self):
        data = super().clean()
        role, area = data.get("role"), data.get("area")
        if role and area:
            try:
                services.post_check(
                    role=role,
                    area=area,
                    member_unit=data.get("member_unit"),
                    department=data.get("department"),
                )
            except ValidationError as exc:
                raise ValidationError(
                    exc.message_dict if hasattr(exc, "error_dict") else exc.messages
                ) from exc
        return data


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    form = PostAdminForm
    list_display = ["user", "role", "area", "member_unit", "department", "created_at"]
    list_filter = ["role", "area__level"]
    list_select_related = ["user", "area", "member_unit", "department"]
    search_fields = [
        "user__username",
        "user__first_name",
        "user__last_name",
        "area__name",
        "area__code",
    ]
    raw_id_fields = ["user", "area", "member_unit", "department"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)  # already checked by the form
        else:
            created = services.post_create(
                user=obj.user,
                role=obj.role,
                area=obj.area,
                member_unit=obj.member_unit,
                department=obj.department,
            )
            obj.pk, obj.created_at = created.pk, created.created_at


@admin.register(MemberUnit)
class MemberUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "remit", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "community__name"]
    raw_id_fields = ["community"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "level", "street", "phone", "is_active"]
    list_filter = ["kind", "level", "is_active"]
    list_select_related = ["street"]
    search_fields = ["name", "street__name"]
    raw_id_fields = ["street"]
