"""/api/v1/units/: filters, detail with 三定 and derived figures, history; a liaison sees only their unit."""

from datetime import date

import pytest
from django.urls import reverse

from bianzhi.models import Unit
from bianzhi.services import registry_import

from ..factories import UnitRecordFactory, UserFactory
from .xlsx import workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    registry_import(data=workbook(
        UnitRecordFactory(code="A", quotas=(("administrative", 10, 12),), posts=(("division_deputy", 2, 3),),
                          functions=("职责甲",), bodies=(("办公室", "运转"),), approval_number="临编发〔2020〕3号"),
        UnitRecordFactory(code="B", level="county", region="西山区", quotas=(("administrative", 10, 8),)),
    ), actor=None)
    registry_import(data=workbook(UnitRecordFactory(code="B", level="county", region="西山区", staff_as_of=date(2026, 12, 31),
                                                    quotas=(("administrative", 10, 9),))), actor=None)
    return {u.code: u for u in Unit.objects.all()}


def codes(response) -> list[str]:
    return [row["code"] for row in response.json()["results"]]


def test_list_and_filters(client, evaluator, units):
    client.force_login(evaluator)
    url = reverse("unit-list")
    assert codes(client.get(url)) == ["A", "B"]  # 市级 before 县区, then by code
    assert codes(client.get(url, {"overstaffed": "true"})) == ["A"]
    assert codes(client.get(url, {"region": "西山区", "has_vacancy": "true"})) == ["B"]
    assert codes(client.get(url, {"level": "municipal"})) == ["A"]
    bad = client.get(url, {"level": "province"})
    assert bad.status_code == 400 and "level" in bad.json()


def test_detail_has_the_三定_and_the_derived_figures(client, leader, units):
    client.force_login(leader)
    data = client.get(reverse("unit-detail", args=[units["A"].pk])).json()
    assert data["quotas"] == [{"kind": "administrative", "kind_label": "行政编制", "approved": 10, "actual": 12,
                               "vacancy": 0, "overstaffing": 2}]
    assert data["leadership_posts"][0]["overstaffing"] == 1  # 超职数
    assert data["functions"] == [{"position": 1, "text": "职责甲"}] and data["internal_bodies"][0]["name"] == "办公室"
    assert data["approval_number"] == "临编发〔2020〕3号" and data["credit_code"] == units["A"].credit_code


def test_history_lists_the_dated_versions_newest_first(client, evaluator, units):
    client.force_login(evaluator)
    rows = client.get(reverse("unit-history", args=[units["B"].pk])).json()["results"]
    assert [r["valid_from"] for r in rows] == ["2026-12-31", "2026-06-30"]
    assert [r["data"]["quotas"] for r in rows] == [[["administrative", 10, 9]], [["administrative", 10, 8]]]


def test_a_liaison_sees_only_their_own_unit(client, units):
    client.force_login(UserFactory(role="liaison", unit=units["B"]))
    assert codes(client.get(reverse("unit-list"))) == ["B"]
    assert client.get(reverse("unit-detail", args=[units["B"].pk])).status_code == 200
    assert client.get(reverse("unit-detail", args=[units["A"].pk])).status_code == 404
    assert client.get(reverse("unit-history", args=[units["A"].pk])).status_code == 404
    assert client.get(reverse("unit-history", args=[units["B"].pk])).status_code == 200

