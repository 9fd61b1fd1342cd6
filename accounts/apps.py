from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Staff accounts: passwords, two-factor login, sessions, the production account check."""

    name = "accounts"
    verbose_name = _("账户与安全")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import checks, signals  # noqa: F401  (registers checks and receivers)
