from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    # Never shown: core registers no admin models (its outbox model is abstract).
    verbose_name = "core"

    def ready(self) -> None:
        from core.display import rebind_displays

        rebind_displays()
