from celery import shared_task
from django.db import OperationalError

from .services import report_render


@shared_task(
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3,
    soft_time_limit=120, time_limit=180,
)
def report_render_task(report_id: int) -> None:
    report_render(report_id=report_id)
