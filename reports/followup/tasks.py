from celery import shared_task

from .services import rectification_sweep


@shared_task
def rectification_sweep_task() -> int:
    """Daily on beat: flag and remind overdue 整改 items (idempotent within a day: notifications carry keys)."""
    return rectification_sweep()
