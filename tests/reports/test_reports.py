import subprocess
from unittest.mock import patch

import pytest
from django.urls import reverse
from django.utils import timezone

from bianzhi.models import User
from evaluations.models import Campaign
from reports.charts import Bar, bar_chart_svg
from reports.followup.models import Feedback
from reports.models import Report
from reports.services import report_render, report_request

from ..factories import CampaignTargetFactory, QuotaFactory, UserFactory
from .helpers import signed_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(evaluator):
    """A unit whose report is signed: its files are rendered from the signed version."""
    target = CampaignTargetFactory(unit__name="临川市报告局")
    QuotaFactory(unit=target.unit, approved=10, actual=5)
    signed_report(target, evaluator)
    return target


def sends_of(send, report) -> int:
    return sum(1 for call in send.call_args_list if call.kwargs["args"] == ["reports.Report", report.pk])


def test_a_double_click_queues_one_report(evaluator, target, django_capture_on_commit_callbacks):
    with patch("bianzhi.tasks.job_run_task.apply_async") as send, django_capture_on_commit_callbacks(execute=True):
        first = report_request(target=target, actor=evaluator)
        second = report_request(target=target, actor=evaluator)
    assert first.pk == second.pk and Report.objects.count() == 2  # the PDF and the Word file
    assert sends_of(send, first) == 1 and send.call_count == 2
    assert send.call_args.kwargs["queue"] == "reports"


def test_the_pdf_is_chinese_and_carries_the_score(evaluator, target, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # tasks run in-process in the tests
        report = report_request(target=target, actor=evaluator)
    report.refresh_from_db()
    assert report.status == Report.Status.READY and report.progress == 100
    text = subprocess.run(["pdftotext", report.file.path, "-"], capture_output=True, check=True).stdout.decode()
    text = text.replace("\n", "")  # 三号 lines of 28 characters break words anywhere
    # 5 of 10 posts filled → 0.5 (weight 1/40); rules kept → 1 (1/48): (0.5/40 + 1/48) / (1/40 + 1/48) = 72.7,
    # but 2 of 41 indicators scored: no grade, the unit's result says 数据不全
    assert "临川市报告局" in text and "72.7" in text and "数据不全" in text and "一般" not in text


def test_rendering_again_is_a_no_op(evaluator, target, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(target=target, actor=evaluator)
    with patch("reports.services.weasyprint.HTML") as html:
        report_render(report_id=report.pk)  # a redelivered task
    html.assert_not_called()


def test_a_failure_is_recorded_and_can_be_retried(evaluator, target, django_capture_on_commit_callbacks):
    with patch("reports.services.weasyprint.HTML", side_effect=OSError("no font")):
        with django_capture_on_commit_callbacks(execute=True):
            report_request(target=target, actor=evaluator)
    report = Report.objects.get(kind=Report.Kind.UNIT)
    assert report.is_failed and "no font" in report.error and "生成失败" in report.error and report.can_retry
    with django_capture_on_commit_callbacks(execute=True):
        report_request(target=target, actor=evaluator)
    report.refresh_from_db()
    assert report.status == Report.Status.READY and report.error == ""


def test_download_is_for_the_office_leaders_and_the_units_liaison(client, evaluator, target, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(target=target, actor=evaluator)
    Campaign.objects.filter(pk=target.campaign_id).update(status=Campaign.Status.FEEDBACK)  # liaisons: after feedback
    Feedback.objects.create(target=target, fed_back_on=timezone.localdate(), fed_back_by=evaluator)  # of their unit
    url = reverse("reports:download", args=[report.pk])
    cases = [
        (evaluator, 200),
        (UserFactory(role=User.Role.LEADER), 200),
        (UserFactory(role=User.Role.LIAISON, unit=target.unit), 200),
        (UserFactory(role=User.Role.LIAISON, unit=CampaignTargetFactory().unit), 404),
    ]
    for user, expected in cases:
        client.force_login(user)
        assert client.get(url).status_code == expected, user.role
        assert client.get(reverse("reports:status", args=[report.pk])).status_code == expected


def test_only_the_office_may_request_a_report(client, leader, target):
    client.force_login(leader)
    assert client.post(reverse("reports:request", args=[target.pk])).status_code == 403
    assert not Report.objects.exists()


def test_the_files_are_not_under_a_public_url(settings):
    assert settings.STORAGES["default"]["OPTIONS"]["base_url"] is None
    assert str(settings.PRIVATE_MEDIA_ROOT) not in {str(settings.STATIC_ROOT)}


def test_bar_chart_escapes_labels_and_clamps_values():
    svg = bar_chart_svg([Bar("A<B", 120), Bar("满意率", 50)])
    assert "A&lt;B" in svg and svg.startswith("<svg") and 'width="-' not in svg


def test_asking_again_for_a_report_queued_long_ago_sends_it_again(evaluator, target, django_capture_on_commit_callbacks):
    """A user can always retry a job that is not running: a queued report whose message went astray."""
    from datetime import timedelta

    from django.utils import timezone

    report = Report.objects.create(target=target, dispatched_at=timezone.now() - timedelta(minutes=1),
                                   version=target.report_versions.get())
    with patch("bianzhi.tasks.job_run_task.apply_async") as send, django_capture_on_commit_callbacks(execute=True):
        assert report_request(target=target, actor=evaluator).pk == report.pk
    assert sends_of(send, report) == 1
    Report.objects.filter(pk=report.pk).update(dispatched_at=timezone.now())  # just sent: not again
    with patch("bianzhi.tasks.job_run_task.apply_async") as send, django_capture_on_commit_callbacks(execute=True):
        report_request(target=target, actor=evaluator)
    assert sends_of(send, report) == 0
