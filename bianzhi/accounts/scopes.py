"""Groups of units whose liaison accounts the office creates in one step (账号管理 → 一键创建).

The registry offers "every active unit"; upper apps add their own groups through `register` (evaluations:
each campaign's units), so the accounts pages need no import from above the registry (the layers rule).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from bianzhi.models import Unit


@dataclass(frozen=True)
class UnitScope:
    key: str  # stable, e.g. "registry:active", "campaign:12"
    label: str
    units: Callable[[], QuerySet[Unit]]


_providers: list[Callable[[], Iterable[UnitScope]]] = []


def register(provider: Callable[[], Iterable[UnitScope]]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def unit_scopes() -> list[UnitScope]:
    scopes = [UnitScope("registry:active", _("编制台账中所有正常单位"),
                        lambda: Unit.objects.filter(status=Unit.Status.ACTIVE))]
    for provider in _providers:
        scopes.extend(provider())
    return scopes


def unit_scope_get(key: str) -> UnitScope | None:
    return next((scope for scope in unit_scopes() if scope.key == key), None)
