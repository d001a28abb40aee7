"""Results: per unit and dimension, the 满意率 with its definition, distributions, comments; in the database."""

import pytest
from django.test import Client
from django.urls import reverse

from surveys.models import Form
from surveys.selectors import form_statistics, satisfaction_stats_by_target
from surveys.services import ballot_submit, satisfaction_form_issue, survey_response_submit

from ..factories import CampaignFactory, CampaignTargetFactory, UserFactory
from .conftest import STAFF_ANSWERS

pytestmark = pytest.mark.django_db

MIXED = {"duties": "satisfied", "efficiency": "basically_satisfied", "attitude": "satisfied",
         "openness": "dissatisfied", "problem_solving": "satisfied"}


def test_satisfaction_rate_distribution_and_comments_of_a_unit(evaluator):
    target = CampaignTargetFactory()
    form = satisfaction_form_issue(campaign=target.campaign, actor=evaluator)
    link = form.links.get()
    for comment in ("窗口很好", "", "排队太久"):
        survey_response_submit(link=link, data={**MIXED, "comment": comment})
    unit = form_statistics(form=form).units[target.pk]
    duties = form.questions.get(code="duties")
    assert unit.responses == 3 and unit.questions[duties.pk].counts == {"satisfied": 3}
    assert (unit.total.satisfied, unit.total.valid) == (12, 15) and unit.total.rate_text == "80.0%"
    assert unit.dimensions["D4"].rate_text == "50.0%"  # attitude 3 of 3 + openness 0 of 3
    client = Client()
    client.force_login(evaluator)
    page = client.get(reverse("surveys:unit_results", args=[form.pk, target.pk])).content.decode()
    assert "满意率 =（满意 + 基本满意）÷ 有效回答数" in page
    assert "窗口很好" in page and "排队太久" in page and "基本满意 0" in page
    assert satisfaction_stats_by_target(campaign=target.campaign)[target.pk].rate == 0.8


def test_staff_assessment_rates_per_dimension_in_the_papers_words(box, evaluator):
    ballots = list(box.ballots.all())
    for i, ballot in enumerate(ballots[:10]):  # two batches of five: all released
        answers = {**STAFF_ANSWERS, "d1": "dissatisfied" if i == 0 else "satisfied", "d3": "basically_satisfied"}
        ballot_submit(code=ballot.code, data=answers)
    client = Client()
    client.force_login(evaluator)
    page = client.get(reverse("surveys:unit_results", args=[box.form_id, box.target_id])).content.decode()
    assert "对职能配置满意率达 90.0%" in page and "对编制配置满意率达 100.0%" in page
    overview = client.get(reverse("surveys:results", args=[box.form_id])).content.decode()
    assert "对职能配置满意率达 90.0%" in overview and "90.0%" in overview.split(f'id="unit-{box.target_id}"')[1]


def test_a_liaison_reads_their_own_unit_only(box):
    from bianzhi.models import User

    for ballot in box.ballots.all()[:5]:
        ballot_submit(code=ballot.code, data=STAFF_ANSWERS)
    own = UserFactory(role=User.Role.LIAISON, unit=box.target.unit)
    client = Client()
    client.force_login(own)
    assert client.get(reverse("surveys:unit_results", args=[box.form_id, box.target_id])).status_code == 200
    other_target = CampaignTargetFactory(campaign=box.form.campaign)
    assert client.get(reverse("surveys:unit_results", args=[box.form_id, other_target.pk])).status_code == 404
    assert client.get(reverse("surveys:results", args=[box.form_id])).status_code == 403
    stranger = UserFactory(role=User.Role.LIAISON, unit=CampaignTargetFactory().unit)
    client.force_login(stranger)
    assert client.get(reverse("surveys:unit_results", args=[box.form_id, box.target_id])).status_code == 404


@pytest.mark.parametrize("units", [3, 30])
def test_statistics_take_the_same_number_of_queries_for_3_or_30_units(evaluator, units, django_assert_max_num_queries):
    campaign = CampaignFactory()
    targets = [CampaignTargetFactory(campaign=campaign) for _i in range(units)]
    form = satisfaction_form_issue(campaign=campaign, actor=evaluator)
    for link in form.links.all():
        survey_response_submit(link=link, data=MIXED)
    with django_assert_max_num_queries(5):
        stats = form_statistics(form=form)
    assert len(stats.units) == units and stats.total.responses == units
    assert stats.total.total.rate_text == "80.0%"
    assert all(stats.units[t.pk].total.valid == 5 for t in targets)


def test_the_results_page_prints_the_definition_and_totals(evaluator, django_assert_max_num_queries):
    campaign = CampaignFactory()
    for _i in range(10):
        CampaignTargetFactory(campaign=campaign)
    form = satisfaction_form_issue(campaign=campaign, actor=evaluator)
    for link in form.links.all():
        survey_response_submit(link=link, data=MIXED)
    client = Client()
    client.force_login(evaluator)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("surveys:results", args=[form.pk])).content.decode()
    assert "满意率 =（满意 + 基本满意）÷ 有效回答数" in page and "80.0%" in page
    assert Form.objects.count() == 1
