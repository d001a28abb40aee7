"""Refusals and failures speak Chinese: pages for people, JSON for the API and for requests that ask for JSON.

The test settings run with DEBUG=False, as production does: these are the pages users get.
"""

import re
import types

import pytest
from django.test import Client
from django.urls import clear_url_caches, include, path, reverse

from bianzhi.models import User
from surveys.services import satisfaction_form_issue

from ..factories import CampaignTargetFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff]")


def client_for(user: User | None = None, **kwargs) -> Client:
    client = Client(**kwargs)
    if user:
        client.force_login(user)
    return client


@pytest.fixture
def link(evaluator):
    target = CampaignTargetFactory()
    return satisfaction_form_issue(campaign=target.campaign, actor=evaluator).links.get()


def test_debug_is_off_as_in_production(settings):
    assert settings.DEBUG is False


def test_a_leader_opens_the_qr_code_and_a_liaison_gets_a_chinese_refusal(link, leader):
    url = reverse("surveys:link_qr", args=[link.token])
    qr = client_for(leader).get(url)  # leaders read everything
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    own = UserFactory(role=User.Role.LIAISON, unit=link.target.unit)
    refused = client_for(own).get(url)
    page = refused.content.decode()
    assert refused.status_code == 403 and "text/html" in refused["Content-Type"]
    assert "无权操作" in page and "返回上一页" in page and "Forbidden" not in page
    hidden = client_for(UserFactory(role=User.Role.LIAISON, unit=UnitFactory())).get(url)
    assert hidden.status_code == 404 and "页面不存在" in hidden.content.decode()


def test_a_refusal_shows_the_services_own_reason(link):
    """A service's Chinese reason (PermissionDenied("…")) reaches the page and the API's JSON."""
    from evaluations.models import Campaign

    campaign = Campaign.objects.get(pk=link.target.campaign_id)
    own = UserFactory(role=User.Role.LIAISON, unit=link.target.unit)
    api = client_for(own).post(reverse("campaign-advance", args=[campaign.pk]), HTTP_ACCEPT="application/json")
    assert api.status_code == 403 and api.json()["detail"] == "只有编办评估人员可以进行此操作"


def test_unknown_pages_answer_a_chinese_page_or_json(client):
    page = client.get("/no/such/page/")
    assert page.status_code == 404 and "页面不存在" in page.content.decode()
    assert 'rel="icon"' in page.content.decode()
    api = client.get("/api/v1/no-such-thing/")
    assert api.status_code == 404 and api["Content-Type"] == "application/json"
    assert CJK.search(api.json()["detail"])
    asked = client.get("/no/such/page/", HTTP_ACCEPT="application/json")
    assert asked.status_code == 404 and asked.json()["code"] == "not_found"


def test_the_api_refuses_in_json_with_a_chinese_reason(leader, liaison):
    api = client_for(leader)
    refused = api.post(reverse("campaign-list"))  # a leader changes nothing
    assert refused.status_code in (403, 405) and refused["Content-Type"] == "application/json"
    hidden = client_for(liaison).get(reverse("campaign-detail", args=[CampaignTargetFactory().campaign_id]))
    assert hidden.status_code == 404 and CJK.search(hidden.json()["detail"])


def boom(request):
    raise RuntimeError("a bug")


@pytest.fixture
def failing_urls(settings):
    from bianzhi import urls as root

    module = types.ModuleType("with_a_bug")
    module.urlpatterns = [path("boom/", boom), path("api/boom/", boom), path("", include(root.urlpatterns))]
    module.handler404, module.handler403 = root.handler404, root.handler403
    module.handler500 = root.handler500
    settings.ROOT_URLCONF = module
    clear_url_caches()
    yield
    clear_url_caches()


def test_a_server_error_is_a_chinese_page_or_json(failing_urls):
    client = Client(raise_request_exception=False)
    page = client.get("/boom/")
    text = page.content.decode()
    assert page.status_code == 500 and "服务器出错了" in text and "RuntimeError" not in text
    assert "返回" in text  # and what was typed is not lost: go back
    api = client.get("/api/boom/")
    assert api.status_code == 500 and api.json()["code"] == "server_error" and CJK.search(api.json()["detail"])


def test_a_failed_csrf_check_says_what_to_do_and_keeps_the_draft(link):
    """A phone that blocks cookies: a Chinese page (cookies, go back, nothing lost), never Django's English one."""
    client = Client(enforce_csrf_checks=True)
    url = reverse("surveys:fill", args=[link.token])
    response = client.post(url, {"q1": "satisfied"})
    page = response.content.decode()
    assert response.status_code == 403 and "Cookie" in page and "返回上一页" in page and "没有丢失" in page
    assert "CSRF verification failed" not in page and "Forbidden" not in page
    assert f'href="{url}"' in page  # reopen the form: the draft kept in the browser comes back
    # the draft in the browser is dropped only on the thanks page, never on a refusal
    assert "removeItem" not in page and "data-clear-draft" not in page
    as_json = client.post(url, {"q1": "x"}, HTTP_ACCEPT="application/json")
    assert as_json.status_code == 403 and as_json.json()["code"] == "csrf_failed"


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith(".svg")
    from django.contrib.staticfiles import finders

    assert finders.find("favicon.svg")
