from django.contrib import admin

from orders.models import Category, Order, OrderEvent, OutboxMessage


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "default_tier", "sign_for_hours", "resolve_hours", "sort_order", "is_active"]
    list_editable = ["default_tier", "sign_for_hours", "resolve_hours", "sort_order", "is_active"]


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "actor", "actor_kind", "from_status", "to_status", "tier", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Read-only: every change goes through the order services and the staff pages."""

    list_display = ["reference", "category", "status", "tier", "area", "placed_at"]
    list_filter = ["status", "tier", "channel", "category"]
    search_fields = ["reference", "description"]
    inlines = [OrderEventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "template", "status", "attempts"]
    list_filter = ["status", "channel", "template"]

    def has_change_permission(self, request, obj=None):
        return False
