from django.db.models import QuerySet

from .figures import StaffingFigures, organ_on_institutional_quota, total_figures
from .models import Unit, User


def unit_list_for_user(*, user: User) -> QuerySet[Unit]:
    units = Unit.objects.select_related("parent").prefetch_related("quotas")
    if user.sees_everything:
        return units
    if user.role == User.Role.LIAISON:
        return units.filter(pk=user.unit_id)
    return units.none()


def unit_staffing(*, unit: Unit) -> tuple[StaffingFigures, bool]:
    """The unit's total figures and whether it is an organ staffed on institutional quotas.

    Reads `unit.quotas.all()`, so prefetch quotas when calling it for many units.
    """
    lines = [(q.kind, q.approved, q.actual) for q in unit.quotas.all()]
    return total_figures(lines), organ_on_institutional_quota(unit.kind, lines)
