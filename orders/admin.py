from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core import redact
from orders.models import (
    CalendarDay,
    CallbackTask,
    Category,
    DeadlinePolicy,
    Order,
    OrderEvent,
    OutboxMessage,
    SupervisionItem,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "default_tier",
        "sign_for_hours",
        "resolve_hours",
        "sort_order",
        "is_active",
    ]
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
    # The tracking token is the resident's own key to their order: never shown to staff.
    exclude = ["tracking_token"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "template", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "channel", "template"]
    # The body as staff may read it (no tracking link, no code); the payload never.
    exclude = ["body", "payload"]
    readonly_fields = ["body_as_staff_see_it"]

    @admin.display(description=_("内容"))
    def body_as_staff_see_it(self, obj: OutboxMessage) -> str:
        return redact.redact_message(body=obj.body, template=obj.template)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    """Time limits per category and urgency; changes apply to orders dispatched afterwards."""

    list_display = [
        "category",
        "urgency",
        "dispatch_limit",
        "dispatch_unit",
        "sign_limit",
        "sign_unit",
        "resolve_limit",
        "resolve_unit",
        "on_sign_overdue",
        "chase_share",
    ]
    list_editable = [
        "dispatch_limit",
        "dispatch_unit",
        "sign_limit",
        "sign_unit",
        "resolve_limit",
        "resolve_unit",
        "on_sign_overdue",
        "chase_share",
    ]
    list_filter = ["urgency", "category"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Public holidays and make-up working days, entered each year from the State Council notice."""

    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"


@admin.register(SupervisionItem)
class SupervisionItemAdmin(admin.ModelAdmin):
    list_display = ["order", "kind", "raised_at", "resolved_at"]
    list_filter = ["kind"]
    readonly_fields = ["order", "kind", "raised_at", "resolved_at", "resolved_by", "notes"]

    def has_add_permission(self, request):
        return False


@admin.register(CallbackTask)
class CallbackTaskAdmin(admin.ModelAdmin):
    list_display = ["order", "due_at", "status", "reached", "resolved", "rating", "done_by"]
    list_filter = ["status"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
