"""The Django admin, enumerated: every registered model (and every inline) refuses add, change and delete unless
its admin saves through a service; every changelist, add and change page answers without a server error."""

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse

from bianzhi.admin import CalendarDayAdmin, UnitAdmin, UserAdmin
from bianzhi.models import User
from evaluations.models import Campaign

from .factories import UserFactory
from .test_url_permissions import site  # noqa: F401  (the fixture: a campaign with something of every kind)

pytestmark = pytest.mark.django_db

# Admins that may write, and how they stay honest.
WRITES_THROUGH = {
    UnitAdmin: "every save records a dated registry version (bianzhi.services.unit_version_record)",
    UserAdmin: "accounts are Django's own; no service owns them",
    CalendarDayAdmin: "the holiday notice's days are the office's settings; no service writes them",
}


@pytest.fixture
def superuser():
    return UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True, first_name="管理员")


def admins():
    return [(model, model_admin) for model, model_admin in admin.site._registry.items()
            if model._meta.app_label in {"bianzhi", "evaluations", "surveys", "scoring", "reports"}]


def test_every_admin_of_a_service_owned_model_is_read_only(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    checked = 0
    for model, model_admin in admins():
        if type(model_admin) in WRITES_THROUGH:
            continue
        obj = model._default_manager.first()
        for subject in [model_admin, *model_admin.get_inline_instances(request, None)]:
            assert not subject.has_add_permission(request, None), f"{subject} 允许在后台新增"
            assert not subject.has_change_permission(request, obj), f"{subject} 允许在后台修改"
            assert not subject.has_delete_permission(request, obj), f"{subject} 允许在后台删除"
            checked += 1
        assert model_admin.has_view_permission(request, obj)  # still readable
    assert checked >= 20


def test_every_admin_page_answers_without_a_server_error(site, superuser):  # noqa: F811
    client = Client(raise_request_exception=False)
    client.force_login(superuser)
    pages = 0
    for model, model_admin in admins():
        info = model._meta.app_label, model._meta.model_name
        urls = [reverse("admin:%s_%s_changelist" % info), reverse("admin:%s_%s_add" % info)]
        obj = model._default_manager.first()
        if obj is not None:
            urls.append(reverse("admin:%s_%s_change" % info, args=[obj.pk]))
        for url in urls:
            status = client.get(url).status_code
            assert status < 500, f"{url} → {status}"
            pages += 1
        if type(model_admin) not in WRITES_THROUGH:
            assert client.get(urls[1]).status_code == 403
            before = model._default_manager.count()
            assert client.post(urls[1], {}).status_code == 403
            if obj is not None:
                assert client.post(urls[2], {}).status_code == 403
                delete = reverse("admin:%s_%s_delete" % info, args=[obj.pk])
                assert client.post(delete, {"post": "yes"}).status_code == 403
            assert model._default_manager.count() == before
    assert pages >= 60


def test_indicator_tree_add_page_is_refused_not_a_server_error(superuser):
    client = Client(raise_request_exception=False)
    client.force_login(superuser)
    assert client.get("/admin/scoring/indicatortree/add/").status_code == 403


def test_a_campaign_cannot_be_changed_in_the_admin(site, superuser):  # noqa: F811
    world, _objects, _keys, _token = site
    client = Client()
    client.force_login(superuser)
    url = reverse("admin:evaluations_campaign_change", args=[world.campaign.pk])
    page = client.get(url).content.decode()
    assert 'name="name"' not in page and world.campaign.name in page  # shown, read only
    assert client.post(url, {"name": "后台改名", "year": 2026, "status": "closed"}).status_code == 403
    world.campaign.refresh_from_db()
    assert world.campaign.name != "后台改名" and world.campaign.status != Campaign.Status.CLOSED
