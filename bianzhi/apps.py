from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BianzhiConfig(AppConfig):
    name = "bianzhi"
    verbose_name = _("编制台账")
