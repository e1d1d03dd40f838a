import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "congvu.signing"
    label = "signing"
    verbose_name = _("Chữ ký số")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # pyHanko logs every failed validation with a traceback at WARNING; the verdict says it all.
        for name in ("pyhanko", "pyhanko_certvalidator"):
            logging.getLogger(name).setLevel(logging.ERROR)
        from . import integration

        integration.register()  # sign at approval/issuance, verify the documents' PDFs (documents' registries)
