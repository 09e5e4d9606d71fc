from django.apps import AppConfig


class PublisherConfig(AppConfig):
    name = "publisher"
    default_auto_field = "django.db.models.BigAutoField"
