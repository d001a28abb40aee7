"""The requests register: rules checked at filing and approval, override and its audit, registry versions on
approval, the may-file API, reclaim proposals into the pool, the sweep, the appraisal export."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bianzhi.exceptions import ApplicationError
from bianzhi.models import Quota, Unit, UnitVersion, User
from bianzhi.pool.selectors import ledger_invariant_errors, pool_balance_rows, unit_effective_rows
from bianzhi.pool.services import pool_deposit, pool_loan
from evaluations.models import Notification
from scoring import register as reg
from scoring.application_rules import last_day
from scoring.register_models import ReclaimProposal, RequestEvent

from ..factories import QuotaFactory, UnitFactory, UserFactory
from .register_helpers import evaluated, long_vacant_unit

pytestmark = pytest.mark.django_db

FEEDBACK = date(2025, 3, 1)
ADMIN = Quota.Kind.ADMINISTRATIVE


@pytest.fixture
def office(db):
    return UserFactory(role=User.Role.EVALUATOR)


@pytest.fixture
def poor_unit(db):
    unit = UnitFactory(name="临川市较差局")
    QuotaFactory(unit=unit, kind=ADMIN, approved=20, actual=19)
    evaluated(unit, grade="poor", feedback_on=FEEDBACK)
    return unit


def file_quota(unit, actor, today, amount=2):
    return reg.request_file(unit=unit, actor=actor, today=today, kind="quota", quota_kind=ADMIN, amount=amount,
                            reason="新增职能需要", document="临较〔2026〕1号")


def test_the_adapter_reads_the_grade_and_the_feedback_date(poor_unit):
    result = reg.latest_final_result(poor_unit)
    assert (result.grade, result.feedback_on, result.campaign_name) == ("poor", FEEDBACK, "2025年度机构编制评估")


@pytest.mark.parametrize("day, status", [(364, "rejected"), (365, "registered"), (366, "registered")])
def test_a_poor_unit_is_refused_for_a_year_from_feedback(poor_unit, day, status):
    liaison = UserFactory(role=User.Role.LIAISON, unit=poor_unit)
    item = file_quota(poor_unit, liaison, FEEDBACK + timedelta(days=day))
    assert item.status == status
    if status == "rejected":
        assert item.blocked_until == date(2026, 2, 28)
        assert "2025年度机构编制评估" in item.decision_note and "较差" in item.decision_note
        assert list(item.events.values_list("type", flat=True)) == ["filed", "refused_by_rule"]
    else:
        assert item.blocked_until is None and not item.findings


def test_a_liaison_files_only_for_its_own_unit(poor_unit):
    stranger = UserFactory(role=User.Role.LIAISON, unit=UnitFactory())
    with pytest.raises(PermissionDenied):
        file_quota(poor_unit, stranger, FEEDBACK)


def test_missing_fields_are_told_in_chinese(poor_unit, office):
    with pytest.raises(ApplicationError) as caught:
        reg.request_file(unit=poor_unit, actor=office, kind="quota", quota_kind="", amount=0, reason="")
    assert set(caught.value.extra) == {"quota_kind", "amount", "reason"}


def test_an_override_needs_a_reason_is_audited_and_never_lifts_overstaffing(poor_unit, office):
    item = file_quota(poor_unit, office, FEEDBACK + timedelta(days=10))
    liaison = UserFactory(role=User.Role.LIAISON, unit=poor_unit)
    with pytest.raises(PermissionDenied):
        reg.request_override(request=item, actor=liaison, reason="急需")
    with pytest.raises(ApplicationError, match="理由"):
        reg.request_override(request=item, actor=office, reason="  ")
    item = reg.request_override(request=item, actor=office, reason="市委常委会议定事项，急需增编")
    assert item.status == "registered" and item.overridden_by == office
    event = item.events.get(type=RequestEvent.Type.OVERRIDDEN)
    assert event.actor == office and event.data["reason"] == "市委常委会议定事项，急需增编"
    reg.request_review(request=item, actor=office)
    item = reg.request_approve(request=item, actor=office, document="临编〔2026〕9号",
                               today=FEEDBACK + timedelta(days=20))
    assert item.status == "approved"
    # 超编 is refused whatever the grade, and cannot be overridden
    hiring = reg.request_file(unit=poor_unit, actor=office, today=FEEDBACK, kind="hiring", quota_kind=ADMIN, amount=9,
                              hiring_basis="new", reason="招录")
    assert hiring.status == "rejected" and "将超编" in hiring.decision_note
    with pytest.raises(ApplicationError, match="不能解除"):
        reg.request_override(request=hiring, actor=office, reason="特批")


def test_an_approval_writes_a_new_registry_version_and_posts_to_the_ledger(office):
    unit = UnitFactory(kind=Unit.Kind.PUBLIC_INSTITUTION)
    QuotaFactory(unit=unit, kind=Quota.Kind.INSTITUTIONAL_FULL, approved=30, actual=30)
    item = reg.request_file(unit=unit, actor=office, kind="quota", quota_kind=Quota.Kind.INSTITUTIONAL_FULL, amount=5,
                            reason="床位增加")
    reg.request_review(request=item, actor=office)
    item = reg.request_approve(request=item, actor=office, document="临编〔2026〕3号", today=date(2026, 5, 1))
    version = item.registry_version
    assert version.source == UnitVersion.Source.DECISION and version.valid_from == date(2026, 5, 1)
    assert [list(q) for q in version.data["quotas"]] == [[Quota.Kind.INSTITUTIONAL_FULL, 35, 30]]
    assert unit.quotas.get().approved == 35
    assert ledger_invariant_errors() == []
    for kind, fields in (("posts", {"rank": "division_deputy", "amount": 1}), ("body", {"body_name": "医务科"}),
                         ("rank", {"rank": "division_full"})):
        other = reg.request_file(unit=unit, actor=office, kind=kind, reason="需要", **fields)
        reg.request_review(request=other, actor=office)
        reg.request_approve(request=other, actor=office)
    unit.refresh_from_db()
    assert unit.rank == "division_full" and unit.internal_bodies.get().name == "医务科"
    assert unit.leadership_posts.get().approved == 1 and unit.versions.count() == 4


def test_the_rules_are_checked_again_when_approving(office):
    unit = UnitFactory()
    QuotaFactory(unit=unit, kind=ADMIN, approved=20, actual=19)
    item = file_quota(unit, office, timezone.localdate())
    reg.request_review(request=item, actor=office)
    evaluated(unit, grade="poor", feedback_on=timezone.localdate())  # the result arrives while the request waits
    with pytest.raises(ApplicationError, match="不能批准"):
        reg.request_approve(request=item, actor=office)
    item.refresh_from_db()
    assert item.status == "reviewing" and unit.quotas.get().approved == 20


def test_the_may_file_api_answers_yes_or_no_why_and_until_when(poor_unit):
    liaison = UserFactory(role=User.Role.LIAISON, unit=poor_unit)
    client = Client()
    client.force_login(liaison)
    url = reverse("register-api-may-file", args=[poor_unit.pk])
    body = client.get(url, {"kind": "quota"}).json()
    today = timezone.localdate()
    blocked = today <= date(2026, 2, 28)
    assert body["allowed"] is not blocked and body["grade"] == "较差" and body["feedback_on"] == "2025-03-01"
    assert client.get(url, {"kind": "hiring"}).json()["allowed"] is True
    assert client.get(url, {"kind": "bogus"}).status_code == 400
    stranger = Client()
    stranger.force_login(UserFactory(role=User.Role.LIAISON, unit=UnitFactory()))
    assert stranger.get(url, {"kind": "quota"}).status_code == 404


def test_the_may_file_api_within_the_year(office):
    unit = UnitFactory()
    QuotaFactory(unit=unit, kind=ADMIN, approved=20, actual=19)
    evaluated(unit, grade="fair", feedback_on=timezone.localdate() - timedelta(days=10), name="近期评估", year=timezone.localdate().year)
    client = Client()
    client.force_login(office)
    body = client.get(reverse("register-api-may-file", args=[unit.pk]), {"kind": "posts"}).json()
    assert body["allowed"] is False and body["reasons"][0]["rule"] == "poor_grade"
    assert body["until"] == last_day(timezone.localdate() - timedelta(days=10), 12).isoformat()
    assert "近期评估" in body["reasons"][0]["reason"]


def test_ample_vacancies_give_a_reclaim_proposal_approved_into_the_pool(office):
    unit = long_vacant_unit()
    liaison = UserFactory(role=User.Role.LIAISON, unit=unit)
    evaluated(unit, grade="good", feedback_on=timezone.localdate() - timedelta(days=30), name="近期评估", year=timezone.localdate().year)
    assert reg.reclaim_proposals_generate(actor=office) == 1
    assert reg.reclaim_proposals_generate(actor=office) == 0  # once per campaign
    proposal = ReclaimProposal.objects.get()
    assert (proposal.quota_kind, proposal.amount) == ("institutional_full", 5)
    reg.reclaim_decide(proposal=proposal, actor=office, approve=True, disposition="deposit", pool="city",
                       document="临编〔2026〕5号")
    [row] = pool_balance_rows()
    assert (row["deposits"], row["available"]) == (5, 5)
    effective = {r["kind"]: r for r in unit_effective_rows(unit=unit)}["institutional_full"]
    assert (effective["owned"], effective["usable"], effective["vacancy"]) == (40, 35, 5)
    assert Notification.objects.filter(user=liaison, title__contains="收回编制").count() == 1
    # an adjustment request is refused for two years
    item = file_quota(unit, liaison, timezone.localdate())
    assert item.status == "rejected" and any(f["rule"] == "ample_vacancy" for f in item.findings)


def test_a_reclaim_approved_as_a_reduction_writes_a_registry_version(office):
    unit = long_vacant_unit()
    evaluated(unit, grade="good", feedback_on=timezone.localdate() - timedelta(days=30), name="近期评估", year=timezone.localdate().year)
    reg.reclaim_proposals_generate(actor=office)
    proposal = reg.reclaim_decide(proposal=ReclaimProposal.objects.get(), actor=office, approve=True,
                                  disposition="reclaim", amount=3)
    assert proposal.registry_version.source == "decision" and unit.quotas.get().approved == 37
    assert ledger_invariant_errors() == []


def test_the_sweep_flags_overdue_loans_once(office):
    owner = UnitFactory(kind=Unit.Kind.PUBLIC_INSTITUTION)
    QuotaFactory(unit=owner, kind=Quota.Kind.INSTITUTIONAL_FULL, approved=10, actual=5)
    hospital = UnitFactory(kind=Unit.Kind.PUBLIC_INSTITUTION)
    pool_deposit(unit=owner, pool="city", quota_kind="institutional_full", amount=3, posted_on=date(2025, 1, 1))
    loan = pool_loan(borrower=hospital, pool="city", quota_kind="institutional_full", amount=2, field="health",
                     start_on=date(2025, 1, 1), due_on=date(2025, 12, 31))
    assert reg.pool_sweep(today=date(2026, 1, 1))["overdue"] == 1
    reg.pool_sweep(today=date(2026, 1, 2))
    loan.refresh_from_db()
    assert loan.overdue_flagged_on == date(2026, 1, 1)
    assert Notification.objects.filter(user=office, key=f"loan-overdue-{loan.pk}").count() == 1


def test_the_sweep_command_and_task_run(office, capsys):
    from django.core.management import call_command

    from scoring.tasks import pool_sweep_task

    call_command("pool_sweep")
    assert "逾期借用 0 笔" in capsys.readouterr().out
    assert pool_sweep_task.delay().get() == {"overdue": 0, "expiring": 0}


def test_the_appraisal_export_ranks_units_and_defuses_formulas(office):
    units = []
    for i, (approved, actual, total) in enumerate([(10, 10, 88), (10, 5, 80), (10, 10, 88)]):
        unit = UnitFactory(name=f"=HYPERLINK(\"x\")局{i}" if i == 1 else f"临川市第{i}局")
        QuotaFactory(unit=unit, kind=ADMIN, approved=approved, actual=actual)
        units.append(unit)
        campaign = evaluated(unit, grade="good", feedback_on=FEEDBACK, total=Decimal(total))
    client = Client()
    client.force_login(office)
    response = client.get(reverse("register:appraisal_export", args=[campaign.pk]))
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [1, 1, 3]  # equal scores share a rank
    assert rows[2][2].startswith("'=")
    api = client.get(reverse("register-api-appraisal", args=[campaign.pk])).json()
    assert [r["rank"] for r in api] == [1, 1, 3]


def test_the_sweep_tells_a_unit_whose_block_ends_within_thirty_days_once(poor_unit):
    liaison = UserFactory(role=User.Role.LIAISON, unit=poor_unit)
    assert reg.pool_sweep(today=date(2026, 1, 28))["expiring"] == 0  # ends 2026-02-28: 31 days ahead
    assert reg.pool_sweep(today=date(2026, 1, 29))["expiring"] == 1
    reg.pool_sweep(today=date(2026, 2, 10))
    [note] = Notification.objects.filter(user=liaison)
    assert "2026-02-28" in note.title and "较差" in note.body


def test_the_rules_read_a_stored_versions_scores_once_and_a_new_versions_afresh():
    """职责饱和程度 sits in the version's per-indicator JSON: read once and kept (a version never changes); a
    复核 makes a new version, whose scores are read again."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from scoring.models import ResultVersion

    cache.clear()
    unit = UnitFactory(name="临川市清闲局")
    QuotaFactory(unit=unit, kind=ADMIN, approved=20, actual=20)
    campaign = evaluated(unit, grade="good", feedback_on=timezone.localdate() - timedelta(days=30))
    first = ResultVersion.objects.get(target__unit=unit)
    ResultVersion.objects.filter(pk=first.pk).update(indicators={"D7_02": {"share": 0.4}})  # as stored

    def light(units):
        found = reg.units_findings(units=units, today=timezone.localdate())
        return {f.rule for f in found[unit.pk]} & {"light_workload"}

    with CaptureQueriesContext(connection) as cold:
        assert light([unit]) == {"light_workload"}
    with CaptureQueriesContext(connection) as warm:
        assert light([unit]) == {"light_workload"}
    assert len(warm) == len(cold) - 1 and not any("#>>" in q["sql"] for q in warm.captured_queries)
    ResultVersion.objects.create(campaign=campaign, target=first.target, version=2, total=first.total, grade="good",
                                 complete=True, scored=41, indicator_count=41, weight_covered=1.0, reason="复核调整",
                                 indicators={"D7_02": {"share": 0.9}})
    assert light([unit]) == set()
