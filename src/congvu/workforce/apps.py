from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "congvu.workforce"
    label = "workforce"
    verbose_name = _("Lịch làm việc và điểm danh")
