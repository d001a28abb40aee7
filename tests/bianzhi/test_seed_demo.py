import pytest
from django.core.management import call_command

from bianzhi.models import Unit, User
from bianzhi.selectors import unit_staffing
from evaluations.models import Campaign
from surveys.models import SurveyResponse

pytestmark = pytest.mark.django_db


def test_seed_builds_a_believable_city_and_is_idempotent():
    call_command("seed_demo", verbosity=0)
    counts = (Unit.objects.count(), User.objects.count(), Campaign.objects.count(), SurveyResponse.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Unit.objects.count(), User.objects.count(), Campaign.objects.count(), SurveyResponse.objects.count()) == counts

    units = list(Unit.objects.prefetch_related("quotas"))
    assert 35 <= len(units) <= 50
    assert {u.region for u in units} == {"市本级", "东湖县", "西山区"}
    assert {u.kind for u in units} == set(Unit.Kind.values)
    figures = {u.code: unit_staffing(unit=u) for u in units}
    assert sum(1 for f, _ in figures.values() if f.overstaffing) == 1
    assert sum(1 for _, on_institutional in figures.values() if on_institutional) == 1
    assert sum(1 for f, _ in figures.values() if f.vacancy) > 20
    assert set(User.objects.values_list("role", flat=True)) == set(User.Role.values)
    assert 400 <= counts[3] <= 1500  # satisfaction forms, staff ballots and questionnaires
    campaign = Campaign.objects.get(year=2026)  # (the 2025 pilot is in tests/scoring/test_register_demo.py)
    # the demo stops inside the self-assessment, with packages at every point of it, and nobody left unassigned
    assert campaign.status == Campaign.Status.SELF_ASSESSMENT
    assert not campaign.targets.filter(liaison__isnull=True).exists()
    assert {"self_draft", "self_submitted", "self_returned", "self_accepted"} <= set(
        campaign.targets.values_list("status", flat=True))
    assert campaign.plan_text and campaign.notice_text and campaign.deadlines.exists() and campaign.teams.count() == 2

    # each unit's (provisional) result covers all 41 indicators or says which are missing and why
    from scoring.selectors import campaign_results

    results = {r.target.unit.code: r for r in campaign_results(campaign=campaign)}
    assert all(r.provisional for r in results.values())
    assert sum(1 for r in results.values() if r.complete and r.scored == 41) >= 25
    for r in results.values():
        assert r.complete or (r.missing and all(m["why"] for m in r.missing) and r.grade_label == "数据不全")
    forestry = results["M016"]  # 工勤编制 2 over while 行政编制 is vacant: caught, not netted away
    assert forestry.indicators["D8_02"]["points"] == 0 and "工勤编制 超编 2 人" in forestry.indicators["D8_02"]["evidence"]
    assert results["M015"].indicators["D3_02"]["points"] == 5.0  # 统计局: 4 副处 of 3 approved, 10 − 5


def test_seed_shows_an_evaluation_sheet_begun_by_the_units_team_with_a_file_once():
    from evaluations.models import Upload
    from surveys.models import SheetEntry

    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    upload = Upload.objects.get(purpose=Upload.Purpose.SHEET_EVIDENCE)
    entries = SheetEntry.objects.filter(target=upload.target)
    assert entries.count() == 8 and upload.question_code in set(entries.values_list("question__code", flat=True))
    assert upload.target.team.members.filter(pk=upload.uploaded_by_id).exists()
