from celery import shared_task

from .register import pool_sweep


@shared_task
def pool_sweep_task() -> dict:
    """Daily (Celery beat, or cron running `manage.py pool_sweep`); idempotent: notifications carry keys."""
    return pool_sweep()
