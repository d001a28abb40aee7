"""The writable guard: one table of stage → allowed changes; forms stop taking answers when the campaign leaves the
stages that collect them; the stage is read fresh, so an object loaded earlier cannot let a change through."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from bianzhi.exceptions import ApplicationError
from evaluations import services
from evaluations.guard import STAGE_ALLOWS, WHATS, campaign_writable, may_write
from evaluations.models import Campaign, Upload
from surveys.services import FormUnavailable, satisfaction_form_issue, survey_response_submit

from .conftest import PNG, accept_all, advance_to

pytestmark = pytest.mark.django_db
S = Campaign.Status


def test_the_table_has_a_row_for_every_stage_and_a_closed_campaign_allows_nothing():
    assert set(STAGE_ALLOWS) == set(S.values)
    assert STAGE_ALLOWS[S.CLOSED] == frozenset()
    assert set().union(*STAGE_ALLOWS.values()) == set(WHATS)  # every named change is allowed somewhere
    with pytest.raises(ValueError):
        may_write(Campaign(status=S.PLAN), "no_such_change")


def test_refusals_name_the_stage_in_chinese(world):
    advance_to(world, S.NOTICE)
    with pytest.raises(ApplicationError, match="^当前阶段为发布通知，不能记录实地评估$"):
        campaign_writable(world.campaign, "field_visit")
    campaign_writable(world.campaign, "public_answer")  # allowed: returns quietly


def finish_field_visits(world):
    for target in (world.target, world.other):
        services.field_visit_save(
            target=target, actor=world.evaluator, checks={"D1_01": ("三定齐全", False)}, interview=("张三", "记录"),
            fields={"visit_date": date(2026, 9, 1), "listen_notes": "汇报", "signs_match": True, "posts_match": True,
                    "people_in_place": True, "ballots_handed_out": 3, "judgement": "良好"},
        )
        services.upload_add(target=target, actor=world.evaluator, purpose=Upload.Purpose.PHOTO, data=PNG, name="门.png")
        services.field_visit_complete(target=target, actor=world.evaluator)


def test_public_forms_stop_taking_answers_when_the_campaign_leaves_the_stages_that_collect_them(world):
    form = satisfaction_form_issue(campaign=world.campaign, actor=world.evaluator)
    link = form.links.get(target=world.target, window="")  # loaded now, while answers are collected
    answers = {q.code: q.choices[0][0] for q in form.questions.all() if q.choices}
    accept_all(world)
    advance_to(world, S.FIELD_VISIT)
    survey_response_submit(link=link, data=answers)  # the field visit still collects them
    finish_field_visits(world)
    advance_to(world, S.REPORT)
    with pytest.raises(FormUnavailable, match="当前阶段为撰写报告，不能提交答卷") as refused:
        survey_response_submit(link=link, data=answers)  # `link.form.campaign` still says 实地评估
    assert refused.value.reason == FormUnavailable.CLOSED
    assert form.responses.count() == 1
    page = Client().get(reverse("surveys:fill", args=[link.token]))
    assert "当前阶段为撰写报告，不能提交答卷" in page.content.decode()
    response = Client().post(reverse("surveys:fill", args=[link.token]), answers)
    assert "当前阶段为撰写报告，不能提交答卷" in response.content.decode() and form.responses.count() == 1


def test_the_after_stage_keeps_the_office_housekeeping_until_the_campaign_is_closed(world):
    accept_all(world)
    advance_to(world, S.FIELD_VISIT)
    finish_field_visits(world)
    advance_to(world, S.SUMMARY)
    services.campaign_deadlines_set(campaign=world.campaign, actor=world.evaluator, deadlines={"summary": date(2027, 1, 5)})
    advance_to(world, S.CLOSED)
    with pytest.raises(ApplicationError, match="^评估已结束，不能再修改截止日期$"):
        services.campaign_deadlines_set(campaign=world.campaign, actor=world.evaluator,
                                        deadlines={"summary": date(2027, 1, 6)})
