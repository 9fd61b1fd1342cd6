"""Issue, re-issue and revoke API keys. A key is shown once, in the message after saving;
the database keeps only its prefix and digest."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from open311 import keys
from open311.models import ApiClient, MediaFetch


def _show_key(request, client: ApiClient, key: str) -> None:
    messages.warning(
        request,
        _("“%(name)s”的 API 密钥（只显示这一次，请立即交给对方系统保存）：%(key)s")
        % {"name": client.name, "key": key},
    )


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "area",
        "channel",
        "verifies_phone",
        "rate_limit_per_minute",
        "key_prefix",
        "is_active",
        "revoked_at",
    )
    list_filter = ("is_active", "verifies_phone", "channel")
    search_fields = ("name", "key_prefix")
    readonly_fields = ("key_prefix", "created_at", "revoked_at")
    raw_id_fields = ("area",)
    fields = (
        "name",
        "area",
        "channel",
        "verifies_phone",
        "rate_limit_per_minute",
        "is_active",
        "key_prefix",
        "created_at",
        "revoked_at",
    )
    actions = ("revoke_keys", "reissue_keys")

    def save_model(self, request, obj, form, change):
        key = None
        if not change:
            key = keys.issue(obj)
        super().save_model(request, obj, form, change)
        if key:
            _show_key(request, obj, key)

    @admin.action(description=gettext_lazy("吊销所选客户端的密钥"))
    def revoke_keys(self, request, queryset):
        for client in queryset:
            keys.revoke(client)
        self.message_user(request, _("已吊销 %(n)s 个密钥。") % {"n": queryset.count()})

    @admin.action(description=gettext_lazy("为所选客户端重新签发密钥（旧密钥立即失效）"))
    def reissue_keys(self, request, queryset):
        for client in queryset:
            _show_key(request, client, keys.issue(client))


@admin.register(MediaFetch)
class MediaFetchAdmin(admin.ModelAdmin):
    list_display = ("order", "client", "status", "error", "created_at", "finished_at")
    list_filter = ("status",)
    readonly_fields = ("order", "client", "url", "status", "error", "created_at", "finished_at")

    def has_add_permission(self, request):
        return False
