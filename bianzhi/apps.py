from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BianzhiConfig(AppConfig):
    name = "bianzhi"
    verbose_name = _("编制台账")

    def ready(self) -> None:
        from . import lookups  # noqa: F401  (registers `__any` on every field)
