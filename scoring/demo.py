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
from . import rules
from .indicators import DIMENSIONS
from .models import ResultVersion
from .register_models import ReclaimProposal, RuleSettings, StaffingRequest
from .results import results_rank

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


# Last year's full campaign (the dashboard's year over year): the municipal units, closed, final results stored.
LAST_YEAR_NAME, LAST_YEAR = "机构编制执行情况和使用效益评估", 2025
LAST_YEAR_WEAK = {"M015": 55.0, "M008": 68.0, "M014": 72.0, "M011": 78.0}  # their leaning: 较差, 一般, 一般, 良好 or 一般


def seed_last_year_campaign(*, evaluator: User, rng) -> Campaign:
    """Closed, with each municipal unit's final result stored (eight dimensions, ranks), fed back ten months
    ago: the dashboard compares this year with it. 整改 items carried over are added by the follow-up app."""
    campaign, created = Campaign.objects.get_or_create(
        name=LAST_YEAR_NAME, year=LAST_YEAR,
        defaults={"status": Campaign.Status.CLOSED, "created_by": evaluator,
                  "plan_text": "对市直党政机关、群团机关和事业单位开展机构编制执行情况和使用效益评估。"})
    if not created:
        return campaign
    weight = round(1 / len(DIMENSIONS), 6)
    results = []
    # the city hospital joined this year's campaign only (its request for posts is still under review)
    for unit in Unit.objects.filter(code__startswith="M").exclude(code=HOSPITAL).order_by("code"):
        target = CampaignTarget.objects.create(
            campaign=campaign, unit=unit, status=CampaignTarget.Status.FIELD_DONE,
            registry_version=unit.versions.order_by("valid_from", "id").first())
        target.unit = unit
        leaning = LAST_YEAR_WEAK.get(unit.code, rng.uniform(80.0, 94.0))
        dims = {d.code: {"name": d.name, "score": round(min(100.0, max(30.0, rng.gauss(leaning, 5))), 2), "weight": weight}
                for d in DIMENSIONS}
        total = Decimal(str(round(sum(d["score"] for d in dims.values()) / len(dims), 2)))
        results.append(ResultVersion(
            campaign=campaign, target=target, version=1, actor=evaluator, total=total,
            grade=rules.grade(total, campaign.grade_cutoffs) or "", complete=True, scored=41, indicator_count=41,
            weight_covered=1.0, dimensions=dims, reason="进入撰写报告阶段时生成"))
    results_rank(results)
    ResultVersion.objects.bulk_create(results)
    fed = timezone.localdate() - timedelta(days=330)
    for status, day in ((Campaign.Status.REPORT, fed - timedelta(days=20)), (Campaign.Status.FEEDBACK, fed),
                        (Campaign.Status.CLOSED, fed + timedelta(days=60))):
        CampaignEvent.objects.create(
            campaign=campaign, type=CampaignEvent.Type.STATUS_CHANGED, actor=evaluator,
            data={"from": "", "to": status}, created_at=timezone.make_aware(datetime.combine(day, time(9, 30))))
    return campaign
