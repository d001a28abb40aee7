"""The audit trail as CSV (a campaign's, or one unit's part of it): who, in their own name, and what, as the
event's own Chinese sentence."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianzhi import spreadsheets

HEADERS = [_("时间"), _("操作人"), _("单位"), _("事件"), _("内容")]


@spreadsheets.exporter
def events_csv(events, out) -> None:
    """Write `events` (a CampaignEvent queryset) to the text stream `out`: UTF-8 with a BOM for Excel."""
    out.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
    writer = spreadsheets.csv_writer(out)
    writer.writerow(HEADERS)
    for e in events.select_related("actor", "target__unit").order_by("created_at", "id"):
        writer.writerow([
            timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M:%S"), e.who,
            e.target.unit.name if e.target else "", e.type_label, e.sentence,
        ])
