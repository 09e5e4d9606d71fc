from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Tollgate core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.catalog import sync_builtin_vendors

        post_migrate.connect(sync_builtin_vendors, sender=self)
