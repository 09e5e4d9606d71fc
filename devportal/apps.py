from django.apps import AppConfig


class DevportalConfig(AppConfig):
    name = "devportal"
    default_auto_field = "django.db.models.BigAutoField"
