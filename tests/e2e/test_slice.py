"""The thin slice end to end, every part real: PostgreSQL, Redis, a Celery worker process, WeasyPrint.

evaluator creates a campaign → issues the satisfaction form → a phone user answers through the public link →
the evaluator sees the count, rate and score → asks for the PDF → the worker renders it → only the right
people may download it, and its text says the unit's name and score.
"""

import subprocess
import time

import pytest
from django.test import Client
from django.urls import reverse

from bianzhi.models import User
from evaluations.models import Campaign
from reports.followup.services import results_feed_back
from reports.models import Report
from surveys.models import SurveyLink

from ..factories import QuotaFactory, UnitFactory, UserFactory
from ..reports.helpers import signed_report

pytestmark = pytest.mark.services


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def test_campaign_to_pdf_report_through_a_real_worker(celery_worker_process):
    # given: two units in the registry and their people
    unit = UnitFactory(name="临川市测试局")
    QuotaFactory(unit=unit, approved=20, actual=20)
    other_unit = UnitFactory(name="临川市另一局")
    QuotaFactory(unit=other_unit)
    evaluator = UserFactory(role=User.Role.EVALUATOR)
    office = Client()
    office.force_login(evaluator)

    # when: the evaluator creates a campaign and issues the satisfaction form
    response = office.post(
        reverse("evaluations:campaign_create"), {"name": "端到端评估", "year": 2026, "units": [unit.pk, other_unit.pk]}
    )
    campaign = Campaign.objects.get(name="端到端评估")
    assert response.status_code == 302
    office.post(reverse("surveys:satisfaction_issue", args=[campaign.pk]))
    link = SurveyLink.objects.get(target__unit=unit)

    # and a service recipient answers on the public link, without an account
    phone = Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone)")
    page = phone.get(reverse("surveys:fill", args=[link.token]))
    assert page.status_code == 200 and "临川市测试局" in page.content.decode()
    answers = {"duties": "satisfied", "efficiency": "satisfied", "attitude": "basically_satisfied",
               "openness": "dissatisfied", "problem_solving": "satisfied", "comment": "很好"}
    thanks = phone.post(reverse("surveys:fill", args=[link.token]), answers, follow=True)
    assert "提交成功" in thanks.content.decode()

    # then: the evaluator sees the count, the rate (4 of 5 satisfied) and a provisional score
    detail = office.get(reverse("evaluations:campaign_detail", args=[campaign.pk])).content.decode()
    assert "80%" in detail
    target = campaign.targets.get(unit=unit)
    # staffing 20/20 → 1 (weight 1/8·1/5), rules kept → 1 (1/8·1/6), D6_08 from the question tagged with it
    # (duties: 满意 → 1) (1/8·1/10): (1/40 + 1/48 + 1/80) / (1/40 + 1/48 + 1/80) = 100.0 — but 3 of 41
    # indicators scored, so no grade: 数据不全
    assert "100.0" in detail and "数据不全" in detail

    # when: the unit's report is signed and the evaluator asks for its files; the worker process renders them
    signed_report(target, evaluator)
    accepted = office.post(reverse("reports:request", args=[target.pk]), HTTP_ACCEPT="application/json")
    assert accepted.status_code == 202
    status_url = accepted.json()["status_url"]
    deadline = time.monotonic() + 90
    while (payload := office.get(status_url).json())["status"] != Report.Status.READY:
        assert payload["status"] != Report.Status.FAILED, Report.objects.get().error
        assert time.monotonic() < deadline, f"the report was not rendered in time: {payload}"
        time.sleep(0.5)
    assert payload["progress"] == 100
    worker_log = celery_worker_process.log_text()  # rendered by the worker process, not in this one
    assert "bianzhi.jobs.run" in worker_log and "succeeded" in worker_log

    # then: the PDF says the unit's name and its score, in Chinese
    download = office.get(payload["download_url"])
    assert download["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(download.streaming_content)).replace("\n", "")
    assert "临川市测试局" in text and "100.0" in text and "80.0%" in text and "数据不全" in text
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.FEEDBACK)  # liaisons: after feedback
    results_feed_back(campaign=campaign, actor=evaluator, targets=list(campaign.targets.all()))  # of their unit

    # and only the office, leaders and that unit's liaison may download it
    for user, allowed in [
        (UserFactory(role=User.Role.LEADER), True),
        (UserFactory(role=User.Role.LIAISON, unit=unit), True),
        (UserFactory(role=User.Role.LIAISON, unit=other_unit), False),
    ]:
        client = Client()
        client.force_login(user)
        assert client.get(payload["download_url"]).status_code == (200 if allowed else 404), user.role
    anonymous = Client().get(payload["download_url"])
    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]
