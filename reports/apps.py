from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("报告与看板")

    def ready(self):
        from . import selectors, services, stages  # noqa: F401  (the campaign page's report column, the hooks)
        from .followup import selectors as followup_selectors  # noqa: F401  (hooks: feedback day, 整改, board, facts)
        from .followup import services as followup_services  # noqa: F401  (stage handlers: 评估复核, 总结汇报, 发布通知)
        from .followup import tasks as followup_tasks  # noqa: F401  (the overdue sweep, on beat)
