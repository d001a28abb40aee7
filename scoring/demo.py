"""Demo data of result application (called by `manage.py seed_demo`; idempotent).

Last year's pilot campaign has fed its results back: the overstaffed 统计局 is graded 较差 and its request
for more quotas is refused with the rule, the end date and the campaign; the long-vacant 政务服务中心 and
档案馆 get reclaim proposals, approved into the 编制周转池; the city hospital borrows 5 事业编制 from it.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from bianzhi.models import PoolLoan, Quota, Unit, User
from bianzhi.pool.services import pool_loan
from evaluations.models import Campaign, CampaignEvent, CampaignTarget

from . import register as reg
from .models import ResultVersion
from .register_models import ReclaimProposal, RuleSettings, StaffingRequest

PILOT_NAME, PILOT_YEAR = "机构编制评估（试点）", 2025
PILOT_UNITS = ("M015", "M101", "M104", "M105")
POOLED = ("M104", "M105")  # their proposals are approved into the pool
POOR_UNIT, HOSPITAL, COUNTY_HOSPITAL, SCHOOL = "M015", "M102", "C107", "M103"
INST = Quota.Kind.INSTITUTIONAL_FULL


def seed_results_application(*, evaluator: User) -> None:
    today = timezone.localdate()
    units = {u.code: u for u in Unit.objects.filter(code__in=PILOT_UNITS + (HOSPITAL, COUNTY_HOSPITAL, SCHOOL))}
    pilot = _pilot_campaign(units, evaluator, feedback_on=today - timedelta(days=60))
    RuleSettings.objects.get_or_create(year=PILOT_YEAR, defaults={"campaign": pilot, "updated_by": evaluator})
    reg.reclaim_proposals_generate(actor=evaluator, today=today)
    for proposal in ReclaimProposal.objects.filter(unit__code__in=POOLED, status=ReclaimProposal.Status.PROPOSED,
                                                   quota_kind=INST):
        reg.reclaim_decide(proposal=proposal, actor=evaluator, approve=True,
                           disposition=ReclaimProposal.Disposition.DEPOSIT, pool="city",
                           document="临编办〔2026〕21号", note="长期空编，存入市级编制周转池", today=today)
    if not PoolLoan.objects.filter(borrower=units[HOSPITAL]).exists():
        pool_loan(borrower=units[HOSPITAL], pool="city", quota_kind=INST, amount=5, field=PoolLoan.Field.HEALTH,
                  start_on=today - timedelta(days=30), due_on=today + timedelta(days=730),
                  document="临编办〔2026〕22号", reason="新院区开诊，急需医护人员", actor=evaluator)
    if COUNTY_HOSPITAL in units and not PoolLoan.objects.filter(borrower=units[COUNTY_HOSPITAL]).exists():
        pool_loan(borrower=units[COUNTY_HOSPITAL], pool="city", quota_kind=INST, amount=1, field=PoolLoan.Field.HEALTH,
                  start_on=today - timedelta(days=300), due_on=today + timedelta(days=60),
                  document="临编办〔2026〕8号", reason="急诊科引进学科带头人", actor=evaluator)
    poor = units[POOR_UNIT]
    if not StaffingRequest.objects.filter(unit=poor).exists():
        liaison = poor.liaisons.filter(role=User.Role.LIAISON).first() or evaluator
        reg.request_file(unit=poor, actor=liaison, today=today, kind=StaffingRequest.Kind.QUOTA,
                         quota_kind=Quota.Kind.ADMINISTRATIVE, amount=3, document="临统〔2026〕15号",
                         reason="承担第五次全国经济普查任务，申请增加行政编制3名。")
    seed_other_requests(evaluator=evaluator)


def _pilot_campaign(units: dict, evaluator: User, *, feedback_on) -> Campaign:
    campaign, created = Campaign.objects.get_or_create(
        name=PILOT_NAME, year=PILOT_YEAR,
        defaults={"status": Campaign.Status.CLOSED, "created_by": evaluator,
                  "plan_text": "选取部分市直单位开展机构编制执行情况和使用效益评估试点。"})
    if not created:
        return campaign
    for code in PILOT_UNITS:
        unit = units[code]
        target = CampaignTarget.objects.create(campaign=campaign, unit=unit, registry_version=unit.versions.order_by(
            "-valid_from", "-id").first())
        # last year's final result, as its 撰写报告 stage stored it: the overstaffed unit 较差, the others 良好
        total, grade = (Decimal("56.5"), "poor") if code == POOR_UNIT else (Decimal("84.0"), "good")
        ResultVersion.objects.create(campaign=campaign, target=target, version=1, actor=evaluator, total=total,
                                     grade=grade, complete=True, scored=41, indicator_count=41, weight_covered=1.0,
                                     reason="2025 年试点评估结果")
    for status, day in ((Campaign.Status.FEEDBACK, feedback_on), (Campaign.Status.CLOSED, feedback_on + timedelta(days=40))):
        CampaignEvent.objects.create(
            campaign=campaign, type=CampaignEvent.Type.STATUS_CHANGED, actor=evaluator,
            data={"from": "", "to": status}, created_at=timezone.make_aware(datetime.combine(day, time(9, 30))))
    return campaign


def seed_other_requests(*, evaluator: User) -> None:
    """A school's hiring plan by retirement, approved; the hospital's request for more quotas, under review."""
    today = timezone.localdate()
    school = Unit.objects.filter(code=SCHOOL).first()
    if school and not StaffingRequest.objects.filter(unit=school).exists():
        plan = reg.request_file(unit=school, actor=evaluator, today=today, kind=StaffingRequest.Kind.HIRING,
                                quota_kind=INST, amount=4, hiring_basis=StaffingRequest.HiringBasis.RETIREMENT,
                                retiring=4, document="临一中〔2026〕3号", reason="今年退休教师4名，申请招聘新教师4名。")
        reg.request_review(request=plan, actor=evaluator)
        reg.request_approve(request=plan, actor=evaluator, document="临编办〔2026〕30号", today=today)
    hospital = Unit.objects.filter(code=HOSPITAL).first()
    if hospital and not StaffingRequest.objects.filter(unit=hospital).exists():
        item = reg.request_file(unit=hospital, actor=evaluator, today=today, kind=StaffingRequest.Kind.POSTS,
                                rank=Unit.Rank.DIVISION_DEPUTY, amount=1, document="临医〔2026〕41号",
                                reason="新院区开诊，申请增加副院长职数1名。")
        reg.request_review(request=item, actor=evaluator)
