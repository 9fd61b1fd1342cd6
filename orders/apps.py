from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("四单")

    def ready(self) -> None:
        from orders import signals  # noqa: F401  (connects the area-move receivers)
        from orders.selectors.pool import register_record_part

        register_record_part()  # pool orders in the party member's service record
