"""Whether a campaign may still change: one table of stage → the changes it allows.

Every service that changes a campaign's data asks `campaign_writable(campaign, what)` first (inside its
transaction, on the campaign it re-read). A closed campaign allows nothing: the design says a finished
campaign is immutable. A stage that does not list `what` refuses it with a Chinese message naming the stage.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bianzhi.exceptions import ApplicationError

from .models import Campaign

S = Campaign.Status

# what → the words of the refusal ("不能" + these).
WHATS: dict[str, str] = {
    "settings": gettext_lazy("修改评估活动的设置和文件"),
    "deadlines": gettext_lazy("修改截止日期"),
    "team": gettext_lazy("调整评估组"),
    "notice_seen": gettext_lazy("记录查阅通知"),
    "self_assessment": gettext_lazy("填报、提交或审核自评"),
    "field_visit": gettext_lazy("记录实地评估"),
    "forms": gettext_lazy("新建或修改表册"),
    "schedule": gettext_lazy("调整表册的填报时间"),
    "links": gettext_lazy("发放公开链接"),
    "ballots": gettext_lazy("发放测评票"),
    "public_answer": gettext_lazy("提交答卷"),
    "ballot": gettext_lazy("提交测评票"),
    "void": gettext_lazy("作废答卷"),
    "sheet": gettext_lazy("填写、上传附件或签署评估表"),
    "tree": gettext_lazy("调整指标体系"),
    "weights": gettext_lazy("邀请专家、录入判断或冻结权重"),
    # the after stage (built on other branches): result versions, the report's text, appeals (复核)
    "results": gettext_lazy("计算或修改评估结果"),
    "report": gettext_lazy("撰写或修改评估报告"),
    "appeal": gettext_lazy("提出或处理复核申请"),
    "feedback": gettext_lazy("反馈评估结果"),
    "rectification": gettext_lazy("新建、报告或核实整改事项"),
}

_ALWAYS = {"settings", "deadlines", "team"}  # office housekeeping, until the campaign is closed
# 整改 is followed to the end: items are made after the report is written and carried into the unit's next
# campaign, whose stages all let the liaison report on them (a closed campaign's items are frozen there).
_ALWAYS |= {"rectification"}
_COLLECTING = {"forms", "schedule", "links", "ballots", "public_answer", "ballot", "void", "sheet", "tree", "weights"}

# The one table. Forms take answers while the campaign collects them (up to the field visit); the sheet,
# voids and weights may still be finished while the report is written; then only the after stage's work.
STAGE_ALLOWS: dict[str, frozenset[str]] = {
    S.PLAN: frozenset(_ALWAYS | _COLLECTING),
    S.NOTICE: frozenset(_ALWAYS | _COLLECTING | {"notice_seen"}),
    S.SELF_ASSESSMENT: frozenset(_ALWAYS | _COLLECTING | {"notice_seen", "self_assessment"}),
    S.SURVEY: frozenset(_ALWAYS | _COLLECTING | {"notice_seen"}),
    S.FIELD_VISIT: frozenset(_ALWAYS | _COLLECTING | {"notice_seen", "field_visit"}),
    S.REPORT: frozenset(_ALWAYS | {"notice_seen", "sheet", "void", "tree", "weights", "results", "report"}),
    S.FEEDBACK: frozenset(_ALWAYS | {"notice_seen", "report", "feedback"}),
    S.REVIEW: frozenset(_ALWAYS | {"notice_seen", "appeal", "results", "report", "feedback"}),
    S.SUMMARY: frozenset(_ALWAYS | {"notice_seen", "report"}),
    S.CLOSED: frozenset(),
}

assert set(STAGE_ALLOWS) == set(S.values), "every stage needs a row"
assert set().union(*STAGE_ALLOWS.values()) <= set(WHATS), "every change allowed needs a name"


def may_write(campaign: Campaign, what: str) -> bool:
    if what not in WHATS:
        raise ValueError(f"unknown change {what!r}: add it to evaluations.guard.WHATS")
    return what in STAGE_ALLOWS[campaign.status]


def stages_allowing(what: str) -> list[str]:
    """The stages in which `what` is allowed: for a check made by the database itself."""
    if what not in WHATS:
        raise ValueError(f"unknown change {what!r}: add it to evaluations.guard.WHATS")
    return [stage for stage, allowed in STAGE_ALLOWS.items() if what in allowed]


def refusal(campaign: Campaign | int, what: str, *, status_now: str | None = None) -> str | None:
    """Why the campaign (or the campaign of that id) may not have `what` now, in Chinese; None when it may.

    The stage is read from the database (one indexed read of one column): the object a caller holds may have
    been loaded before the campaign moved on (a form's cached campaign, a page's object), and a stale stage
    must not let a change through. `status_now` is a stage the caller read from the database in this same
    request, joined to its own query (the public submit's link): as fresh as a read here, one round trip fewer.
    """
    campaign_id = campaign if isinstance(campaign, int) else campaign.pk
    status = status_now or Campaign.objects.filter(pk=campaign_id).values_list("status", flat=True).get()
    if isinstance(campaign, Campaign):
        campaign.status = status  # the caller's object says the stage it was judged by
    if what not in WHATS:
        raise ValueError(f"unknown change {what!r}: add it to evaluations.guard.WHATS")
    if what in STAGE_ALLOWS[status]:
        return None
    if status == S.CLOSED:
        return _("评估已结束，不能再%(what)s") % {"what": WHATS[what]}
    return _("当前阶段为%(stage)s，不能%(what)s") % {"stage": S(status).label, "what": WHATS[what]}


def campaign_writable(campaign: Campaign, what: str) -> None:
    """Raise ApplicationError (a Chinese message) unless the campaign's stage allows `what`."""
    message = refusal(campaign, what)
    if message is not None:
        raise ApplicationError(message, extra={"what": what})
