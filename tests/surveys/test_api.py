"""The forms API: definitions, distribution state, answer sheets (the office), statistics."""

import pytest
from django.test import Client

from bianzhi.models import User
from surveys.services import ballot_submit, satisfaction_form_issue, survey_response_submit

from ..factories import CampaignTargetFactory, UserFactory
from .conftest import STAFF_ANSWERS

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_form_definition_lists_its_questions(box, evaluator):
    data = api(evaluator).get(f"/api/v1/forms/{box.form_id}/").json()
    assert data["kind"] == "staff_assessment" and data["kind_label"] == "测评表"
    assert [q["code"] for q in data["questions"]][:2] == ["d1", "d2"]
    assert data["questions"][0]["dimension"] == "D1" and data["questions"][0]["points"]["satisfied"] == 1


def test_distribution_shows_ballots_issued_used_and_rate(box, evaluator, leader):
    for ballot in list(box.ballots.all())[:3]:
        ballot_submit(code=ballot.code, data=STAFF_ANSWERS)
    rows = api(evaluator).get(f"/api/v1/forms/{box.form_id}/distribution/").json()
    # responses: the ballots released into the statistics, by batches of the threshold (5)
    assert rows == [{"target": box.target_id, "unit": box.target.unit.name, "links": 0, "ballots_issued": 10,
                     "ballots_used": 3, "response_rate": 0.3, "responses": 0}]
    for ballot in list(box.ballots.order_by("serial"))[3:5]:
        ballot_submit(code=ballot.code, data=STAFF_ANSWERS)
    assert api(evaluator).get(f"/api/v1/forms/{box.form_id}/distribution/").json()[0]["responses"] == 5
    assert api(leader).get(f"/api/v1/forms/{box.form_id}/distribution/").status_code == 403


def test_staff_sheets_are_never_listed_one_by_one_not_even_above_the_threshold(box, evaluator):
    """Issue 10 #18: reading the list before and after one ballot would isolate that person's sheet."""
    for ballot in list(box.ballots.order_by("serial"))[:10]:
        ballot_submit(code=ballot.code, data={**STAFF_ANSWERS, "comment": "意见"})
    response = api(evaluator).get(f"/api/v1/forms/{box.form_id}/responses/")
    assert response.status_code == 404 and "不记名" in response.json()["detail"]
    stats = api(evaluator).get(f"/api/v1/forms/{box.form_id}/statistics/").json()
    assert stats["units"][0]["responses"] == 10 and "submitted_on" not in str(stats)


def test_statistics_for_the_office_and_a_liaisons_own_unit_only(evaluator):
    target = CampaignTargetFactory()
    other = CampaignTargetFactory(campaign=target.campaign)
    form = satisfaction_form_issue(campaign=target.campaign, actor=evaluator)
    answers = {"duties": "satisfied", "efficiency": "dissatisfied", "attitude": "satisfied",
               "openness": "satisfied", "problem_solving": "basically_satisfied"}
    for link in form.links.all():
        survey_response_submit(link=link, data=answers)
    office = api(evaluator).get(f"/api/v1/forms/{form.pk}/statistics/").json()
    assert office["definition"].startswith("满意率") and office["total"]["responses"] == 2
    assert {u["target"] for u in office["units"]} == {target.pk, other.pk}
    assert office["units"][0]["total"]["rate"] == 0.8
    liaison = UserFactory(role=User.Role.LIAISON, unit=target.unit)
    own = api(liaison).get(f"/api/v1/forms/{form.pk}/statistics/").json()
    assert [u["target"] for u in own["units"]] == [target.pk] and "total" not in own
    assert api(liaison).get(f"/api/v1/forms/{form.pk}/responses/").status_code == 403
    stranger = UserFactory(role=User.Role.LIAISON, unit=CampaignTargetFactory().unit)
    assert api(stranger).get(f"/api/v1/forms/{form.pk}/statistics/").status_code == 404


def test_the_api_needs_a_login(box):
    assert Client().get("/api/v1/forms/").status_code in (401, 403)
