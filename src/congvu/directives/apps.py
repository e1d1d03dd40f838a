from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectivesConfig(AppConfig):
    name = "congvu.directives"
    label = "directives"
    verbose_name = _("Chỉ đạo, điều hành")
    default_auto_field = "django.db.models.BigAutoField"
