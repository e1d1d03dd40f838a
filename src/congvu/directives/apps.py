from django.apps import AppConfig


class DirectivesConfig(AppConfig):
    name = "congvu.directives"
    label = "directives"
    verbose_name = "Chỉ đạo, điều hành"
    default_auto_field = "django.db.models.BigAutoField"
