from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("报告与看板")

    def ready(self):
        from . import selectors, services, stages  # noqa: F401  (the campaign page's report column, the hooks)
