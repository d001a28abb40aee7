"""The one Celery task that runs any job, and the sweep (thin: both call bianzhi.jobs)."""

from celery import shared_task
from django.apps import apps

from .jobs import job_run, jobs_sweep


@shared_task(bind=True, name="bianzhi.jobs.run", acks_late=True, reject_on_worker_lost=True)
def job_run_task(self, model_label: str, pk: int) -> None:
    job_run(apps.get_model(model_label), pk, task_id=self.request.id)


@shared_task(name="bianzhi.jobs.sweep", acks_late=False)
def jobs_sweep_task() -> dict:
    return jobs_sweep()
