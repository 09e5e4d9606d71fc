from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_migrate, post_save


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Tollgate core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core import signin
        from core.catalog import sync_builtin_vendors
        from core.services.accounts import sync_account

        post_migrate.connect(sync_builtin_vendors, sender=self)
        post_save.connect(sync_account, sender=settings.AUTH_USER_MODEL)
        signin.connect_signals()
