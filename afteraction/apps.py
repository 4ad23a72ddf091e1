from django.apps import AppConfig


class AfteractionConfig(AppConfig):
    name = "afteraction"
    default_auto_field = "django.db.models.BigAutoField"
