from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("指标与评分")

    def ready(self):
        # The apps below read a campaign's indicators through evaluations.indicators; this app answers.
        from evaluations.indicators import provide_tree

        from .selectors import campaign_tree_read  # also registers the campaign page's score column

        provide_tree(campaign_tree_read)
        connection_created.connect(_json_as_text)


def _json_as_text(sender, connection, **kwargs) -> None:
    """A result version's `json` columns (scoring.models.RowJSONField) come back as text, as Django has psycopg
    return jsonb: the field decodes them, and raw SQL reads them unparsed as it read jsonb."""
    if connection.vendor == "postgresql":
        from psycopg.types.string import TextLoader

        connection.connection.adapters.register_loader("json", TextLoader)
