"""bianzhi.jobs: one model, one runner, one dispatch, one sweep — checked for every kind of job."""

from datetime import timedelta
from unittest.mock import patch

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from bianzhi.exceptions import ApplicationError
from bianzhi.jobs import (
    MAX_ATTEMPTS,
    Job,
    JobStatus,
    job_claim,
    job_dispatch,
    job_enqueue,
    job_kinds,
    job_payload,
    job_run,
    jobs_sweep,
)
from bianzhi.models import RegistryImport
from reports.models import Report
from surveys.models import Export, Form
from surveys.services import export_request, form_create

from ..factories import CampaignTargetFactory

pytestmark = pytest.mark.django_db
KINDS = job_kinds()


def test_reports_exports_and_registry_imports_are_the_kinds_of_job():
    assert {m._meta.label for m in KINDS} == {"reports.Report", "reports.SummaryReport", "surveys.Export", "bianzhi.RegistryImport"}


@pytest.mark.parametrize("model", KINDS, ids=lambda m: m._meta.label)
def test_every_kind_is_complete(model):
    assert callable(import_string(model.WORK))
    assert model.QUEUE in {"default", "reports"}  # the queues `make worker` consumes
    # a message is redelivered by Redis only after visibility_timeout: it must outlast any run
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > model.TIME_LIMIT
    assert reverse(model.STATUS_URL, args=[1])
    assert {c.name for c in model._meta.constraints} >= {f"{model._meta.app_label}_{model._meta.model_name}_one_active_per_key"}
    assert [f.name for f in model._meta.get_fields() if f.name == "status"] and model.Status is JobStatus


@pytest.fixture
def export(evaluator):
    target = CampaignTargetFactory()
    form = form_create(campaign=target.campaign, kind=Form.Kind.QUESTIONNAIRE, actor=evaluator)
    return Export.objects.create(form=form, format="csv", requested_by=evaluator)


def test_the_properties_say_what_a_job_can_do(export):
    assert export.is_queued and export.is_active and export.can_retry and not export.is_done
    assert export.is_waiting_for_broker and "暂时不可用" in export.message
    export.dispatched_at = timezone.now()
    assert not export.is_waiting_for_broker and export.message == ""
    export.dispatched_at -= timedelta(minutes=5)  # sent, but no worker takes it
    assert export.is_active and "排队时间较长" in export.message
    export.status, export.started_at = JobStatus.RUNNING, timezone.now()
    assert export.is_running and not export.can_retry and export.message == ""
    export.started_at -= timedelta(seconds=Export.TIME_LIMIT + 60)
    assert export.is_stuck and not export.is_running and export.can_retry and not export.is_active
    assert "超时" in export.message and export.status_label == "超时未完成"
    export.status, export.error = JobStatus.FAILED, "生成失败：没有字体"
    assert export.is_done and export.can_retry and export.message == "生成失败：没有字体"


def test_a_job_is_claimed_once(export):
    assert job_claim(Export, export.pk, task_id="t1") is not None
    assert job_claim(Export, export.pk, task_id="t2") is None  # another message: the first run has it
    again = job_claim(Export, export.pk, task_id="t1")  # the same message redelivered: its first run died
    assert again is not None and again.attempts == 2


def test_a_redelivered_message_of_a_finished_job_does_nothing(export):
    job_run(Export, export.pk, task_id="t1")
    export.refresh_from_db()
    finished = export.finished_at
    with patch("surveys.services.exports.export_write") as work:
        assert job_run(Export, export.pk, task_id="t1") is None
    work.assert_not_called()
    export.refresh_from_db()
    assert export.is_ready and export.finished_at == finished and export.attempts == 1


@pytest.mark.parametrize(("error", "expected"), [
    (ApplicationError("表单已关闭"), "表单已关闭"),
    (OSError("disk full"), "生成失败（系统错误：OSError: disk full），请重新生成"),
])
def test_errors_become_a_chinese_message_on_the_row(export, error, expected):
    with patch("surveys.services.exports.export_write", side_effect=error):
        job = job_run(Export, export.pk)
    export.refresh_from_db()
    assert job.is_failed and export.is_failed and export.error.startswith(expected) and export.finished_at


def test_a_run_that_lost_its_claim_cannot_finish_the_job(export):
    def work(job, progress):
        Export.objects.filter(pk=job.pk).update(attempts=job.attempts + 1)  # the sweep gave it to another run
        return {"rows": 99}

    with patch("surveys.services.exports.export_write", side_effect=work):
        assert job_run(Export, export.pk) is None
    export.refresh_from_db()
    assert export.is_running and export.rows == 0


def test_progress_of_a_lost_run_stops_it(export):
    def work(job, progress):
        Export.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
        progress(50)
        raise AssertionError("not reached")

    with patch("surveys.services.exports.export_write", side_effect=work):
        assert job_run(Export, export.pk) is None
    export.refresh_from_db()
    assert export.is_queued and export.error == ""


def test_with_the_broker_down_the_job_stays_queued_and_the_sweep_sends_it_later(export):
    with patch("bianzhi.tasks.job_run_task.apply_async", side_effect=ConnectionRefusedError("redis down")):
        assert job_dispatch(export) is False
        assert jobs_sweep()["undispatched"] >= 1
    export.refresh_from_db()
    assert export.is_queued and export.dispatched_at is None
    with patch("bianzhi.tasks.job_run_task.apply_async") as send:
        assert jobs_sweep()["dispatched"] == 1
    assert send.call_args.kwargs["args"] == ["surveys.Export", export.pk]
    export.refresh_from_db()
    assert export.dispatched_at is not None
    with patch("bianzhi.tasks.job_run_task.apply_async") as send:  # sent: not again, until its time limit passed
        jobs_sweep()
        send.assert_not_called()
        jobs_sweep(now=timezone.now() + timedelta(seconds=Export.TIME_LIMIT + 1))
        send.assert_called_once()


def test_the_sweep_requeues_a_dead_run_and_gives_up_after_the_last_attempt(export):
    long_ago = timezone.now() - timedelta(seconds=Export.TIME_LIMIT + 120)
    Export.objects.filter(pk=export.pk).update(status=JobStatus.RUNNING, started_at=long_ago, attempts=1)
    with patch("bianzhi.tasks.job_run_task.apply_async"):
        assert jobs_sweep()["requeued"] == 1
        export.refresh_from_db()
        assert export.is_queued
        Export.objects.filter(pk=export.pk).update(status=JobStatus.RUNNING, started_at=long_ago, attempts=MAX_ATTEMPTS)
        assert jobs_sweep()["failed"] == 1
    export.refresh_from_db()
    assert export.is_failed and f"已尝试 {MAX_ATTEMPTS} 次" in export.error and export.can_retry


def test_a_double_click_gets_the_same_export_and_a_done_one_a_new_one(export, evaluator, django_capture_on_commit_callbacks):
    form = export.form
    with patch("bianzhi.tasks.job_run_task.apply_async") as send, django_capture_on_commit_callbacks(execute=True):
        first = export_request(form=form, format="xlsx", actor=evaluator)
        second = export_request(form=form, format="xlsx", actor=evaluator)
    assert first.pk == second.pk and send.call_count == 1
    with django_capture_on_commit_callbacks(execute=True):  # in-process: it runs now
        job_enqueue(first)
    first.refresh_from_db()
    assert first.is_ready
    with patch("bianzhi.tasks.job_run_task.apply_async"), django_capture_on_commit_callbacks(execute=True):
        third = export_request(form=form, format="xlsx", actor=evaluator)
    assert third.pk != first.pk


def test_the_payload_is_the_same_for_every_kind(export, evaluator):
    report = Report.objects.create(target=CampaignTargetFactory(), requested_by=evaluator)
    imported = RegistryImport.objects.create(requested_by=evaluator, original_name="台账.xlsx")
    keys = {frozenset(job_payload(job)) for job in (export, report, imported)}
    assert len(keys) == 1
    payload = job_payload(report)
    assert payload["status_label"] == "排队中" and payload["download_url"] is None and payload["is_active"]


def test_the_sweep_command_reports_in_chinese(export):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    with patch("bianzhi.tasks.job_run_task.apply_async"):
        call_command("sweep_jobs", stdout=out)
    assert "已派发 1" in out.getvalue()


def test_job_is_abstract():
    assert Job._meta.abstract


def test_a_run_from_before_a_retry_cannot_finish_the_retried_job(export):
    """重新生成 resets the attempts; the old run (same attempt number, another message) still loses."""
    def work(job, progress):
        Export.objects.filter(pk=job.pk).update(attempts=1, task_id="new-message")  # reset, then claimed anew
        return {"rows": 99}

    with patch("surveys.services.exports.export_write", side_effect=work):
        assert job_run(Export, export.pk, task_id="old-message") is None
    export.refresh_from_db()
    assert export.is_running and export.rows == 0 and export.task_id == "new-message"
