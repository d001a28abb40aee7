"""The pool's pages: the office posts through forms that keep what was typed and say what is wrong in Chinese;
leaders read; a liaison sees only its own unit's ledger."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from bianzhi.models import PoolLoan, PoolMovement, Quota, Unit, User

from ..factories import QuotaFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db
INST = Quota.Kind.INSTITUTIONAL_FULL


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner(db):
    unit = UnitFactory(kind=Unit.Kind.PUBLIC_INSTITUTION, name="临川市档案馆")
    QuotaFactory(unit=unit, kind=INST, approved=18, actual=12)
    return unit


def test_a_deposit_beyond_the_vacancies_is_refused_and_the_form_keeps_what_was_typed(owner, evaluator):
    client = client_for(evaluator)
    data = {"m-unit": owner.pk, "m-pool": "city", "m-quota_kind": INST, "m-amount": 7, "m-posted_on": "2026-03-01",
            "m-document": "临编办〔2026〕1号", "action": "deposit"}
    response = client.post(reverse("pool:movement_create"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "只能存入空编" in body and "临编办〔2026〕1号" in body and 'value="2026-03-01"' in body
    assert not PoolMovement.objects.exists()
    data["m-amount"] = 6
    assert client.post(reverse("pool:movement_create"), data).status_code == 302
    assert PoolMovement.objects.filter(type="deposit").count() == 1


def test_a_loan_form_with_a_term_ending_before_it_starts_says_so(owner, evaluator):
    response = client_for(evaluator).post(reverse("pool:loan_create"), {
        "l-borrower": owner.pk, "l-pool": "city", "l-quota_kind": INST, "l-amount": 1, "l-field": "health",
        "l-start_on": "2026-03-01", "l-due_on": "2026-02-01"})
    assert response.status_code == 400 and "到期日期不能早于起始日期" in response.content.decode()
    assert not PoolLoan.objects.exists()


def test_leaders_read_the_pool_and_liaisons_only_their_own_ledger(owner, leader):
    assert client_for(leader).get(reverse("pool:index")).status_code == 200
    assert client_for(leader).post(reverse("pool:movement_create"), {}).status_code == 403
    own = client_for(UserFactory(role=User.Role.LIAISON, unit=owner))
    assert own.get(reverse("pool:unit_ledger", args=[owner.pk])).status_code == 200
    assert own.get(reverse("pool:index")).status_code == 403
    other = UnitFactory()
    assert own.get(reverse("pool:unit_ledger", args=[other.pk])).status_code == 404


def test_the_office_returns_a_loan_and_reverses_a_deposit_from_the_pages(owner, evaluator):
    from bianzhi.pool.services import pool_deposit, pool_loan

    client = client_for(evaluator)
    deposit = pool_deposit(unit=owner, pool="city", quota_kind=INST, amount=4, posted_on=date(2026, 1, 1))
    loan = pool_loan(borrower=owner, pool="city", quota_kind=INST, amount=2, field="other", start_on=date(2026, 1, 1),
                     due_on=date(2026, 6, 30))
    assert client.post(reverse("pool:loan_close", args=[loan.pk]), {"on": "2026-06-30"}).status_code == 302
    loan.refresh_from_db()
    assert loan.status == "returned"
    response = client.post(reverse("pool:movement_reverse", args=[deposit.pk]), {"reason": ""})
    assert response.status_code == 200 and "必填项" in response.content.decode()
    assert client.post(reverse("pool:movement_reverse", args=[deposit.pk]), {"reason": "存错"}).status_code == 302
    assert PoolMovement.objects.filter(reverses=deposit).exists()
