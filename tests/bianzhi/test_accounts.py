import pytest
from django.db import IntegrityError
from django.urls import reverse

from bianzhi.models import User

from ..factories import TEST_PASSWORD, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese(client):
    body = client.get(reverse("login")).content.decode()
    assert "登录" in body and "用户名" in body and "密码" in body


def test_wrong_password_is_told_in_chinese(client):
    user = UserFactory()
    response = client.post(reverse("login"), {"username": user.username, "password": "nope"})
    assert "用户名或密码不正确" in response.content.decode()


@pytest.mark.parametrize(("role", "home"), [
    (User.Role.ADMIN, "evaluations:campaign_list"),
    (User.Role.EVALUATOR, "evaluations:campaign_list"),
    (User.Role.LEADER, "reports:dashboard"),
    (User.Role.LIAISON, "evaluations:workbench"),  # notice, deadlines, tasks; links to reports:my_unit
    (User.Role.REVIEWER, "reports:followup_my_reviews"),  # 复核人员: the appeals assigned to them
])
def test_each_role_lands_on_its_own_home(client, role, home):
    user = UserFactory(role=role, unit=UnitFactory() if role == User.Role.LIAISON else None)
    response = client.post(reverse("login"), {"username": user.username, "password": TEST_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(home)
    assert response.status_code == 200


def test_a_liaison_must_have_a_unit_and_nobody_else_may():
    with pytest.raises(IntegrityError):
        UserFactory(role=User.Role.LIAISON, unit=None)


def test_an_evaluator_cannot_be_bound_to_a_unit():
    with pytest.raises(IntegrityError):
        UserFactory(role=User.Role.EVALUATOR, unit=UnitFactory())


def test_anonymous_users_are_sent_to_login(client):
    for name in ("evaluations:campaign_list", "reports:dashboard", "reports:my_unit"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_liaison_cannot_open_office_pages(client, liaison):
    client.force_login(liaison)
    assert client.get(reverse("evaluations:campaign_list")).status_code == 403
    assert client.get(reverse("evaluations:campaign_create")).status_code == 403


def test_a_leader_reads_but_cannot_create(client, leader):
    client.force_login(leader)
    assert client.get(reverse("evaluations:campaign_list")).status_code == 200
    assert client.get(reverse("evaluations:campaign_create")).status_code == 403
