"""划转 from the pool's pages: office only, a confirmation step showing both units before and after, then one
ledger movement with its actor and document and a new registry version of each unit."""

import pytest
from django.urls import reverse

from bianzhi.models import PoolMovement, Quota, Unit, UnitVersion, User
from bianzhi.pool.selectors import ledger_invariant_errors

from ..factories import QuotaFactory, UnitFactory, UserFactory
from .test_pool_pages import client_for

pytestmark = pytest.mark.django_db
INST = Quota.Kind.INSTITUTIONAL_FULL
URL = "/pool/transfer/"


@pytest.fixture
def units(db):
    giver = UnitFactory(kind=Unit.Kind.PUBLIC_INSTITUTION, name="临川市档案馆")
    QuotaFactory(unit=giver, kind=INST, approved=18, actual=12)
    taker = UnitFactory(kind=Unit.Kind.PUBLIC_INSTITUTION, name="临川市人民医院")
    QuotaFactory(unit=taker, kind=INST, approved=40, actual=40)
    return giver, taker


def _data(giver, taker, **extra):
    return {"from_unit": giver.pk, "to_unit": taker.pk, "quota_kind": INST, "amount": 4, "posted_on": "2026-11-20",
            "document": "临编〔2026〕21号", "reason": "收回档案馆空编，划给医院"} | extra


def test_the_office_confirms_a_transfer_and_both_registries_and_the_ledger_follow(units, evaluator):
    giver, taker = units
    client = client_for(evaluator)
    assert reverse("pool:transfer") == URL
    assert client.get(URL).status_code == 200 and URL in client.get(reverse("pool:index")).content.decode()
    preview = client.post(URL, _data(giver, taker))
    page = preview.content.decode()
    assert preview.status_code == 200 and "请确认划转" in page and "18 → 14" in page and "40 → 44" in page
    assert not PoolMovement.objects.filter(type="transfer").exists()  # nothing moves before the confirmation
    back = client.post(URL, _data(giver, taker, back="1")).content.decode()
    assert "请确认划转" not in back and "收回档案馆空编，划给医院" in back
    response = client.post(URL, _data(giver, taker, confirm="1"))
    assert response.status_code == 302
    movement = PoolMovement.objects.get(type="transfer")
    assert (movement.actor, movement.document, str(movement.posted_on)) == (evaluator, "临编〔2026〕21号", "2026-11-20")
    assert movement.reason == "收回档案馆空编，划给医院"
    assert dict(Quota.objects.filter(kind=INST).values_list("unit_id", "approved")) == {giver.pk: 14, taker.pk: 44}
    for unit, approved in ((giver, 14), (taker, 44)):
        version = UnitVersion.objects.filter(unit=unit).order_by("-valid_from", "-id").first()
        assert [INST, approved] == [line[:2] for line in version.data["quotas"] if line[0] == INST][0]
    assert ledger_invariant_errors() == []


def test_a_transfer_that_would_overstaff_the_giver_is_refused_in_chinese_and_keeps_what_was_typed(units, evaluator):
    giver, taker = units
    client = client_for(evaluator)
    response = client.post(URL, _data(giver, taker, amount=7, confirm="1"))  # 18 − 7 < 12 in post
    page = response.content.decode()
    assert response.status_code == 400 and "划出后将超编" in page and "临编〔2026〕21号" in page
    same = client.post(URL, _data(giver, giver))
    assert same.status_code == 400 and "划出和划入单位不能相同" in same.content.decode()
    assert not PoolMovement.objects.filter(type="transfer").exists()
    assert dict(Quota.objects.filter(kind=INST).values_list("unit_id", "approved")) == {giver.pk: 18, taker.pk: 40}


def test_leaders_and_liaisons_may_not_transfer(units, leader):
    giver, taker = units
    liaison = UserFactory(role=User.Role.LIAISON, unit=giver)
    for user in (leader, liaison):
        assert client_for(user).get(URL).status_code in (403, 404)
        assert client_for(user).post(URL, _data(giver, taker, confirm="1")).status_code in (403, 404)
    assert not PoolMovement.objects.filter(type="transfer").exists()
