from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("表册与问卷")

    def ready(self):
        from . import selectors  # noqa: F401  (registers the campaign page's link column)
