"""`field__any=[…]` (bianzhi.lookups): the rows of `__in`, with the ids sent as one array parameter."""

import pytest

from bianzhi.models import Quota, Unit

from ..factories import QuotaFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_any_finds_what_in_finds_for_a_list_a_set_nothing_and_a_subquery():
    units = [UnitFactory() for _ in range(4)]
    QuotaFactory(unit=units[0])
    chosen = [units[0].pk, units[2].pk]
    assert set(Unit.objects.filter(pk__any=chosen)) == set(Unit.objects.filter(pk__in=chosen)) == {units[0], units[2]}
    assert set(Unit.objects.filter(pk__any=set(chosen))) == {units[0], units[2]}
    assert not Unit.objects.filter(pk__any=[]).exists()
    with_quotas = Quota.objects.values("unit_id")  # a subquery: `__in` as it is
    assert list(Unit.objects.filter(pk__any=with_quotas)) == [units[0]]
    assert list(Quota.objects.filter(unit__any=chosen).values_list("unit_id", flat=True)) == [units[0].pk]  # a foreign key


def test_a_thousand_ids_are_one_parameter():
    sql, params = Unit.objects.filter(pk__any=list(range(1, 1001))).query.sql_with_params()
    assert "= ANY(%s)" in sql and len(params) == 1 and len(params[0]) == 1000
