from celery import shared_task
from django.db import OperationalError

from .services import export_build


@shared_task(
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3,
    soft_time_limit=1800, time_limit=1900,
)
def export_build_task(export_id: int) -> None:
    export_build(export_id=export_id)
