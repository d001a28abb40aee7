import pytest
from django.urls import reverse

from ..factories import QuotaFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_a_liaison_sees_only_their_own_unit(client, liaison):
    other = UnitFactory()
    QuotaFactory(unit=liaison.unit)
    client.force_login(liaison)
    listing = client.get(reverse("unit-list")).json()
    assert [u["id"] for u in listing["results"]] == [liaison.unit_id]
    assert client.get(reverse("unit-detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("unit-detail", args=[liaison.unit_id])).json()["quotas"][0]["approved"] == 20


def test_leaders_and_evaluators_see_every_unit(client, leader, evaluator):
    UnitFactory.create_batch(3)
    for user in (leader, evaluator):
        client.force_login(user)
        assert client.get(reverse("unit-list")).json()["count"] == 3


def test_the_api_needs_a_login(client, db):
    assert client.get(reverse("unit-list")).status_code == 403


def test_the_openapi_schema_is_served(client, evaluator):
    client.force_login(evaluator)
    response = client.get(reverse("schema"))
    assert response.status_code == 200 and b"/api/v1/units/" in response.content
