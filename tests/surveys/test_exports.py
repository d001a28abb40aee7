"""Exports: in the background with progress, stable columns, codes and labels, one column per option,
no row limit; the staff assessment's export stays anonymous."""

import csv
import io
import re
import time
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from surveys.models import Answer, Export, Form, SurveyResponse
from surveys.services import (
    ballot_submit,
    ballots_issue,
    export_build,
    export_request,
    form_create,
    survey_links_issue,
    survey_response_submit,
)

from ..factories import CampaignTargetFactory
from .conftest import STAFF_ANSWERS

pytestmark = pytest.mark.django_db

VALID = {"respondent": "staff", "duty_overlap": "good", "quota_fit": "fair", "division_of_work": "very_good",
         "cooperation": "good", "workload": "poor", "overall": "7.5"}


@pytest.fixture
def questionnaire(evaluator):
    target = CampaignTargetFactory(unit__code="U-A", unit__name="甲局")
    form = form_create(campaign=target.campaign, kind=Form.Kind.QUESTIONNAIRE, actor=evaluator)
    survey_links_issue(form=form, actor=evaluator)
    return form


def run_export(form, evaluator, fmt, django_capture_on_commit_callbacks) -> Export:
    with django_capture_on_commit_callbacks(execute=True):
        export = export_request(form=form, format=fmt, actor=evaluator)
    export.refresh_from_db()
    assert export.status == Export.Status.READY and export.progress == 100, export.error
    return export


def read_csv(export) -> list[list[str]]:
    raw = export.file.open("rb").read()
    assert raw.startswith("\ufeff".encode())  # Excel reads the Chinese right
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_csv_has_stable_columns_codes_and_labels_and_one_column_per_option(questionnaire, evaluator,
                                                                          django_capture_on_commit_callbacks):
    link = questionnaire.links.get()
    survey_response_submit(link=link, data={**VALID, "problems": ["overlap", "other"], "problems_other": "临时借调"})
    export = run_export(questionnaire, evaluator, "csv", django_capture_on_commit_callbacks)
    header, row = read_csv(export)
    assert header[:4] == ["单位代码", "单位名称", "服务窗口", "提交日期"]
    assert header[7] == "提交时未能防刷校验"
    assert header[10] == "1. 您的身份是：" and header[11].startswith("2. 该单位与其他部门之间职责交叉")
    by_number = {h.split(".")[0]: h for h in header[10:]}
    options = [h for h in header if h.startswith("7. ")]
    assert options == [f"7. 您认为该单位在机构编制方面存在哪些问题？（可多选）：{label}"
                       for label in ("职责交叉", "人员不足", "人员闲置", "分工不清", "流程繁琐", "其他")]
    values = dict(zip(header, row))
    assert values["1. 您的身份是："] == "本单位干部职工"
    assert [values[o] for o in options] == ["1", "0", "0", "0", "0", "1"]
    assert values[by_number["9"]] == "7.5"
    assert values["8. 请说明“其他”问题："] == "临时借调" and values["单位名称"] == "甲局"
    assert not {"respondent", "staff", "overlap"} & (set(header) | set(row))  # codes only in the codebook
    assert export.rows == 1
    # the same form exported again gives the same columns
    assert read_csv(run_export(questionnaire, evaluator, "csv", django_capture_on_commit_callbacks))[0] == header


def test_xlsx_has_the_answers_and_a_codebook(questionnaire, evaluator, django_capture_on_commit_callbacks):
    survey_response_submit(link=questionnaire.links.get(), data=VALID)
    export = run_export(questionnaire, evaluator, "xlsx", django_capture_on_commit_callbacks)
    book = load_workbook(BytesIO(export.file.open("rb").read()), read_only=True)
    answers = list(book["答卷"].iter_rows(values_only=True))
    assert answers[0][0] == "单位代码" and len(answers) == 2
    codebook = {row[0]: row for row in book["编码说明"].iter_rows(values_only=True)}
    assert "staff=本单位干部职工" in codebook["1. 您的身份是："][3]


def test_no_row_limit_and_progress_along_the_way(questionnaire, evaluator, monkeypatch):
    from surveys.services import exports

    monkeypatch.setattr(exports, "EXPORT_CHUNK", 500)
    link = questionnaire.links.get()
    question = questionnaire.questions.get(code="respondent")
    responses = SurveyResponse.objects.bulk_create(
        SurveyResponse(form=questionnaire, target=link.target) for _i in range(2600)
    )
    Answer.objects.bulk_create(Answer(response=r, question=question, choice="staff") for r in responses)
    seen = []
    original = Export.objects.filter

    def spy(*args, **kwargs):
        qs = original(*args, **kwargs)
        update = qs.update

        def record(**values):
            if "rows" in values:
                seen.append(values["progress"])
            return update(**values)

        qs.update = record
        return qs

    monkeypatch.setattr(Export.objects, "filter", spy)
    export = Export.objects.create(form=questionnaire, format="csv", requested_by=evaluator)
    export = export_build(export_id=export.pk)
    assert export.rows == 2600 and len(read_csv(export)) == 2601
    assert seen == [19, 38, 57, 76, 96, 100]  # the last: the job done (bianzhi.jobs)


def test_staff_export_is_counts_and_shuffled_comments_only_and_leaves_out_small_units(
        box, evaluator, django_capture_on_commit_callbacks):
    """Issue 10 #18: no sheet and no day in the export, only released counts and comments, one per row."""
    ballots_issue(form=box.form, target=box.target, actor=evaluator, count=10)
    small = CampaignTargetFactory(campaign=box.form.campaign)
    small_box = ballots_issue(form=box.form, target=small, actor=evaluator, count=3)
    order = []
    for ballot in box.ballots.order_by("serial"):
        order.append(f"第{ballot.serial}张")
        answers = {**STAFF_ANSWERS, "d1": "dissatisfied" if ballot.serial % 4 == 0 else "satisfied"}
        ballot_submit(code=ballot.code, data={**answers, "comment": order[-1]})
    ballot_submit(code=small_box.ballots.first().code, data={**STAFF_ANSWERS, "comment": "小单位的人"})
    export = run_export(box.form, evaluator, "csv", django_capture_on_commit_callbacks)
    header, *rows = read_csv(export)
    assert header == ["单位代码", "单位名称", "题目", "选项", "人数", "平均分", "意见建议"]
    rows = [dict(zip(header, r)) for r in rows]
    assert {r["单位代码"] for r in rows} == {box.target.unit.code}  # the small unit shows nothing
    d1_text = box.form.questions.get(code="d1").text
    d1 = {r["选项"]: r["人数"] for r in rows if r["题目"] == d1_text}
    assert d1 == {"满意": "15", "基本满意": "0", "不满意": "5"}
    comments = [r["意见建议"] for r in rows if r["意见建议"]]
    assert sorted(comments) == sorted(order) and "小单位的人" not in comments
    assert comments not in (order, order[::-1])
    assert not any(re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", cell) for r in rows for cell in r.values())  # no dates


def test_export_pages_are_for_the_office_only(questionnaire, evaluator, leader, liaison,
                                              django_capture_on_commit_callbacks):
    office = Client()
    office.force_login(evaluator)
    with django_capture_on_commit_callbacks(execute=True):
        accepted = office.post(reverse("surveys:export_request", args=[questionnaire.pk]), {"format": "csv"},
                               HTTP_ACCEPT="application/json")
    assert accepted.status_code == 202
    status = office.get(accepted.json()["status_url"]).json()
    assert status["status"] == "ready" and status["progress"] == 100
    assert office.get(status["download_url"]).status_code == 200
    for user in (leader, liaison):  # exports are the office's: nobody else sees them
        other = Client()
        other.force_login(user)
        assert other.get(status["download_url"]).status_code == 404
    refused = office.post(reverse("surveys:export_request", args=[questionnaire.pk]), {"format": "pdf"},
                          HTTP_ACCEPT="application/json")
    assert refused.status_code == 400 and "不支持" in refused.json()["message"]


@pytest.mark.services
def test_export_is_written_by_a_real_worker(celery_worker_process, evaluator):
    target = CampaignTargetFactory()
    form = form_create(campaign=target.campaign, kind=Form.Kind.QUESTIONNAIRE, actor=evaluator)
    survey_links_issue(form=form, actor=evaluator)
    survey_response_submit(link=form.links.get(), data=VALID)
    office = Client()
    office.force_login(evaluator)
    accepted = office.post(reverse("surveys:export_request", args=[form.pk]), {"format": "xlsx"},
                           HTTP_ACCEPT="application/json")
    deadline = time.monotonic() + 60
    while (status := office.get(accepted.json()["status_url"]).json())["status"] != "ready":
        assert status["status"] != "failed" and time.monotonic() < deadline, status
        time.sleep(0.3)
    download = office.get(status["download_url"])
    book = load_workbook(BytesIO(b"".join(download.streaming_content)), read_only=True)
    assert len(list(book["答卷"].iter_rows(values_only=True))) == 2


def test_the_form_page_shows_an_exports_progress_and_refreshes_until_it_is_done(questionnaire, evaluator):
    export = Export.objects.create(form=questionnaire, format="csv", requested_by=evaluator, status="running",
                                   progress=40)
    office = Client()
    office.force_login(evaluator)
    page = office.get(reverse("surveys:form_detail", args=[questionnaire.pk])).content.decode()
    assert 'http-equiv="refresh"' in page and 'aria-valuenow="40"' in page
    Export.objects.filter(pk=export.pk).update(status="queued")  # a running job is only its own run's to finish
    export_build(export_id=export.pk)
    page = office.get(reverse("surveys:form_detail", args=[questionnaire.pk])).content.decode()
    assert 'http-equiv="refresh"' not in page and reverse("surveys:export_download", args=[export.pk]) in page
