"""Background jobs: one model, one runner, one dispatch, one sweep, one status payload.

The job's row is the truth and the Celery message only a nudge. That is what makes the faults harmless:
- enqueue happens on commit; when the broker is down the row stays QUEUED with no `dispatched_at`, and the
  sweep (Celery beat or `manage.py sweep_jobs` from cron) dispatches it once the broker answers again;
- a worker killed mid-job leaves the row RUNNING: the redelivered message (acks_late +
  reject_on_worker_lost) may take it over, because the message that claimed a run coming back means that
  run is dead; otherwise the sweep requeues a row RUNNING past its time limit;
- running is claimed by one conditional UPDATE, and only the claimant's attempt may finish the row, so
  however many messages arrive, a job completes exactly once in effect.

A kind of job is a concrete model inheriting `Job` (reports.Report, surveys.Export, bianzhi.RegistryImport)
that names its work function (`WORK`, a dotted path to `work(job, progress) -> dict | None`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .exceptions import ApplicationError

log = logging.getLogger("bianzhi.jobs")

# A run that does not end within its time limit plus this grace is taken for dead by the sweep.
SWEEP_GRACE = timedelta(seconds=30)
MAX_ATTEMPTS = 3
# A user asking again for a job queued longer than this gets its message sent again.
RESEND_AFTER = timedelta(seconds=15)
# A job queued (sent) longer than this tells the user that no worker seems to take it.
WAITING_LONG = timedelta(minutes=2)


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    READY = "ready", _("已完成")
    FAILED = "failed", _("失败")


class JobLost(Exception):
    """This run no longer owns the job (the sweep gave it to another attempt): stop quietly."""


def job_file_path(job: "Job", filename: str) -> str:
    return f"jobs/{type(job)._meta.label_lower}/{filename}"


class Job(models.Model):
    Status = JobStatus

    KIND_LABEL = _("后台任务")
    WORK = ""  # dotted path of work(job, progress) -> dict of extra fields to save, or None
    QUEUE = "default"
    TIME_LIMIT = 300  # seconds; the Celery hard limit; the soft limit is a little below
    DOWNLOAD_URL = ""  # URL name taking the job's pk, when the job makes a file
    STATUS_URL = ""  # URL name taking the job's pk

    status = models.CharField(_("状态"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    error = models.TextField(_("错误"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("派发时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    idempotency_key = models.CharField(_("幂等键"), max_length=128, blank=True)
    task_id = models.CharField(_("任务消息"), max_length=64, blank=True)
    # what the job produced, stored privately and served by the kind's download view (kinds may override)
    file = models.FileField(_("文件"), upload_to=job_file_path, blank=True)

    class Meta:
        abstract = True
        constraints = [
            # a double click (same key) while the first is still waiting or running gets the same job
            models.UniqueConstraint(
                fields=["idempotency_key"], condition=Q(status__in=["queued", "running"]) & ~Q(idempotency_key=""),
                name="%(app_label)s_%(class)s_one_active_per_key",
            ),
        ]

    # ---- what a job is, for templates and views (no raw status strings outside this class)
    @property
    def is_queued(self) -> bool:
        return self.status == JobStatus.QUEUED

    @property
    def is_stuck(self) -> bool:
        """Running past its time limit: its worker is gone; the sweep will requeue it, a user may retry."""
        return (
            self.status == JobStatus.RUNNING and self.started_at is not None
            and timezone.now() > self.started_at + timedelta(seconds=self.TIME_LIMIT) + SWEEP_GRACE
        )

    @property
    def is_running(self) -> bool:
        return self.status == JobStatus.RUNNING and not self.is_stuck

    @property
    def is_active(self) -> bool:
        """Still to be waited for: queued, or running within its limit (pages keep polling)."""
        return self.is_queued or self.is_running

    @property
    def is_ready(self) -> bool:
        return self.status == JobStatus.READY

    @property
    def is_failed(self) -> bool:
        return self.status == JobStatus.FAILED

    @property
    def is_done(self) -> bool:
        return self.is_ready or self.is_failed

    @property
    def can_retry(self) -> bool:
        return not self.is_running

    @property
    def is_waiting_for_broker(self) -> bool:
        return self.is_queued and self.dispatched_at is None

    @property
    def may_resend(self) -> bool:
        """Queued and never sent, or sent a while ago and still not taken: asking again sends it again (a
        duplicate message is harmless, the claim lets one run)."""
        return self.is_queued and (self.dispatched_at is None or timezone.now() - self.dispatched_at > RESEND_AFTER)

    @property
    def status_label(self) -> str:
        if self.is_stuck:
            return gettext("超时未完成")
        return self.get_status_display()

    @property
    def message(self) -> str:
        """What the user should know besides the status, in Chinese; empty when nothing."""
        if self.is_failed:
            return self.error or gettext("生成失败，请重试")
        if self.is_stuck:
            return gettext("任务超时未完成（处理进程可能已中断），系统将自动重试，也可点击重新生成")
        if self.is_waiting_for_broker:
            return gettext("后台任务服务暂时不可用：申请已登记，服务恢复后将自动开始，无需重复提交")
        if self.is_queued and timezone.now() - self.dispatched_at > WAITING_LONG:
            return gettext("排队时间较长：后台处理进程可能繁忙或未运行，如长时间没有进展请联系管理员")
        return ""

    def download_url(self) -> str | None:
        return reverse(self.DOWNLOAD_URL, args=[self.pk]) if self.DOWNLOAD_URL and self.is_ready else None

    def status_url(self) -> str:
        return reverse(self.STATUS_URL, args=[self.pk])


def job_kinds() -> list[type[Job]]:
    return [model for model in apps.get_models() if issubclass(model, Job)]


# ---------------------------------------------------------------------------------------------------------
# Dispatch
# ---------------------------------------------------------------------------------------------------------
def job_enqueue(job: Job) -> None:
    """Call inside the transaction that created or reset the job: it is dispatched once that commits
    (once, however often this is called in the transaction)."""
    key = (type(job)._meta.label, job.pk)
    connection = transaction.get_connection()
    pending = (callback for _sids, callback, *_rest in connection.run_on_commit)
    if any(getattr(callback, "job_key", None) == key and not callback.sent for callback in pending):
        return

    def dispatch() -> None:
        dispatch.sent = True
        job_dispatch(job)

    dispatch.job_key, dispatch.sent = key, False
    transaction.on_commit(dispatch)


def job_dispatch(job: Job) -> bool:
    """Send the job's message. With the broker down: log, keep the job QUEUED, let the sweep send it later."""
    from .tasks import job_run_task  # the task module imports this one

    model = type(job)
    try:
        job_run_task.apply_async(
            args=[model._meta.label, job.pk], queue=model.QUEUE,
            time_limit=model.TIME_LIMIT, soft_time_limit=max(model.TIME_LIMIT - 10, 1),
            retry=True, retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.5},
        )
    except Exception:  # kombu/redis raise their own connection errors; any failure means "not sent"
        log.warning("job %s #%s not dispatched: the broker is unreachable; the sweep will send it", model._meta.label, job.pk,
                    exc_info=True)
        return False
    now = timezone.now()
    model.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(dispatched_at=now)
    job.dispatched_at = now
    return True


def job_reset(job: Job, *, actor=None) -> Job:
    """A fresh attempt of a job that is not running (retry, 重新生成): queued again and enqueued on commit."""
    if job.is_running:
        raise ApplicationError(gettext("任务正在进行，请等待完成后再试"))
    job.status, job.progress, job.error = JobStatus.QUEUED, 0, ""
    job.started_at = job.finished_at = job.dispatched_at = None
    job.attempts = 0
    if actor is not None:
        job.requested_by = actor
    fields = ["status", "progress", "error", "started_at", "finished_at", "dispatched_at", "attempts", "requested_by"]
    job.save(update_fields=[*fields, "updated_at"] if hasattr(job, "updated_at") else fields)
    job_enqueue(job)
    return job


# ---------------------------------------------------------------------------------------------------------
# The runner
# ---------------------------------------------------------------------------------------------------------
def job_claim(model: type[Job], pk: int, *, task_id: str | None = None) -> Job | None:
    """Take the job for this run, atomically; None when another run has it or it is done.

    A QUEUED job is claimable by anyone. A RUNNING one only by the very message that claimed it: that message
    being delivered again means its first run died (Redis redelivers only after visibility_timeout, which is
    longer than any time limit; a lost worker's message is rejected and requeued at once).
    """
    claimable = Q(status=JobStatus.QUEUED)
    if task_id:
        claimable |= Q(status=JobStatus.RUNNING, task_id=task_id)
    now = timezone.now()
    claimed = model.objects.filter(claimable, pk=pk).update(
        status=JobStatus.RUNNING, attempts=F("attempts") + 1, started_at=now, finished_at=None, progress=0, error="",
        task_id=task_id or "",
    )
    if not claimed:
        return None
    return model.objects.get(pk=pk)


def _progress_for(job: Job) -> Callable[[int], None]:
    model, attempt, run = type(job), job.attempts, job.task_id

    def progress(percent: int) -> None:
        delay = getattr(settings, "JOB_TEST_STEP_DELAY", 0)  # tests only: slow enough to kill a worker mid-run
        if delay:
            time.sleep(delay)
        fields = {"progress": max(0, min(99, int(percent)))}
        if hasattr(model, "updated_at"):
            fields["updated_at"] = timezone.now()
        if not model.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=attempt, task_id=run).update(**fields):
            raise JobLost
        job.progress = fields["progress"]

    return progress


def job_error_message(exc: BaseException) -> str:
    from celery.exceptions import SoftTimeLimitExceeded

    if isinstance(exc, ApplicationError):  # a rule of the domain: its message says it all
        return exc.message
    if isinstance(exc, SoftTimeLimitExceeded):
        return gettext("生成超时，请重新生成；如仍超时请联系管理员")
    detail = f"{type(exc).__name__}: {exc}"[:300]
    return gettext("生成失败（系统错误：%(detail)s），请重新生成；如仍失败请联系管理员") % {"detail": detail}


def job_run(model: type[Job], pk: int, *, task_id: str | None = None) -> Job | None:
    """Claim the job, do its work, record READY or FAILED (a Chinese message). Never raises for the work's
    errors: the row says what happened, and a redelivered message finds nothing left to do."""
    job = job_claim(model, pk, task_id=task_id)
    if job is None:
        log.info("job %s #%s: nothing to do (done, or another run has it)", model._meta.label, pk)
        return None
    attempt = job.attempts
    # this run, and no other: attempts alone repeat after a retry resets them, the message id alone after a redelivery
    mine = Q(pk=pk, status=JobStatus.RUNNING, attempts=attempt, task_id=job.task_id)
    try:
        extra = import_string(model.WORK)(job, _progress_for(job)) or {}
    except JobLost:
        log.warning("job %s #%s attempt %s lost its claim; another attempt finishes it", model._meta.label, pk, attempt)
        return None
    except Exception as exc:
        if isinstance(exc, ApplicationError):  # refused by a rule (a bad workbook): no traceback needed
            log.info("job %s #%s refused: %s", model._meta.label, pk, exc.message)
        else:
            log.exception("job %s #%s failed", model._meta.label, pk)
        job.error = job_error_message(exc)
        model.objects.filter(mine).update(status=JobStatus.FAILED, error=job.error, finished_at=timezone.now())
        job.status = JobStatus.FAILED
        return job
    now = timezone.now()
    fields = {"status": JobStatus.READY, "progress": 100, "error": "", "finished_at": now, "file": job.file.name or ""}
    fields.update(extra)
    if hasattr(model, "updated_at"):
        fields["updated_at"] = now
    if not model.objects.filter(mine).update(**fields):
        log.warning("job %s #%s attempt %s finished after losing its claim; discarded", model._meta.label, pk, attempt)
        return None
    for name, value in fields.items():
        setattr(job, name, value)
    return job


# ---------------------------------------------------------------------------------------------------------
# The sweep: Celery beat every minute, or `manage.py sweep_jobs` from cron
# ---------------------------------------------------------------------------------------------------------
def jobs_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Requeue runs dead past their limit (or fail them after MAX_ATTEMPTS) and dispatch jobs waiting for the
    broker or whose message was lost. Safe to run anywhere, any number of times."""
    now = now or timezone.now()
    counts = {"requeued": 0, "failed": 0, "dispatched": 0, "undispatched": 0}
    broker_down = False  # after one failed send, do not wait on the broker's timeout for every other job
    for model in job_kinds():
        dead = model.objects.filter(status=JobStatus.RUNNING, started_at__lt=now - timedelta(seconds=model.TIME_LIMIT) - SWEEP_GRACE)
        for job in dead:
            same_run = Q(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts)
            if job.attempts >= MAX_ATTEMPTS:
                message = gettext("已尝试 %(n)d 次仍未完成，请检查后重新生成") % {"n": job.attempts}
                counts["failed"] += model.objects.filter(same_run).update(status=JobStatus.FAILED, error=message, finished_at=now)
            else:
                counts["requeued"] += model.objects.filter(same_run).update(status=JobStatus.QUEUED, dispatched_at=None)
        waiting = model.objects.filter(status=JobStatus.QUEUED).filter(
            Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=now - timedelta(seconds=model.TIME_LIMIT))
        )
        for job in waiting:
            sent = not broker_down and job_dispatch(job)
            broker_down = not sent
            counts["dispatched" if sent else "undispatched"] += 1
    if any(counts.values()):
        log.info("jobs sweep: %s", counts)
    return counts


# ---------------------------------------------------------------------------------------------------------
# Status: one payload, one view (each kind passes its own visibility check)
# ---------------------------------------------------------------------------------------------------------
def job_payload(job: Job) -> dict:
    return {
        "id": job.pk,
        "kind": type(job)._meta.label_lower,
        "status": job.status,
        "status_label": str(job.status_label),
        "progress": job.progress,
        "is_active": job.is_active,
        "is_done": job.is_done,
        "can_retry": job.can_retry,
        "message": str(job.message),
        "status_url": job.status_url(),
        "download_url": job.download_url(),
    }


def job_response(job: Job, *, status: int = 200, **extra) -> JsonResponse:
    return JsonResponse({**job_payload(job), **extra}, status=status)


def job_status_view(getter: Callable) -> Callable:
    """The status endpoint of a kind: `getter(user=..., pk=...)` returns the job the user may see (or 404s)."""

    def view(request, pk: int):
        return job_response(getter(user=request.user, pk=pk))

    return view
