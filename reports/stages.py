"""What the after stage's documents require of a campaign's next stage (evaluations.hooks.on_stage_entered):
results are fed back only once every unit's report is signed, and the campaign ends only with its summary."""

from django.utils.translation import gettext as _

from bianzhi.exceptions import ApplicationError
from evaluations.hooks import on_stage_entered
from evaluations.models import Campaign

from .models import SummaryReport
from .selectors import units_unsigned

NAMED = 10  # a refusal names this many units, then says how many more


@on_stage_entered(Campaign.Status.FEEDBACK)
def feedback_needs_signed_reports(campaign: Campaign, actor) -> None:
    missing = units_unsigned(campaign=campaign)
    if missing:
        names = _("、").join(missing[:NAMED]) + (_("等 %(n)s 个单位") % {"n": len(missing)} if len(missing) > NAMED else "")
        raise ApplicationError(_("还不能反馈结果：以下单位的评估报告尚未签署：%(names)s") % {"names": names})


@on_stage_entered(Campaign.Status.CLOSED)
def closing_needs_the_summary(campaign: Campaign, actor) -> None:
    if not SummaryReport.objects.filter(campaign=campaign, kind=SummaryReport.Kind.PDF,
                                        status=SummaryReport.Status.READY).exists():
        raise ApplicationError(_("还不能结束评估：总结报告尚未生成（在“评估报告”页生成总结报告后再结束）"))
