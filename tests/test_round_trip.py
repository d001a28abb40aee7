"""Nothing typed is lost: every edit page, posted back exactly as it was shown, changes nothing.

The pages are discovered, not listed: a crawler follows the site's own links as an evaluator (office, and
member of the unit's team) and as the unit's liaison, at two stages of a campaign full of data (部门自评,
实地评估). On every page it finds each POST form that shows values to edit, sends what a browser would send
if the user pressed its save button without changing anything (tests/htmlforms.py, with the browser's own
value sanitization of date, number … inputs), and compares the whole database before and after — audit
events included: saving a page unchanged records nothing. A form that makes something new with a suggested
value (save as template) declares itself with `data-creates` and is left out.
The URL walk of tests/test_url_permissions.py proves the crawl reaches every page a URL rule names.
Then a real browser (chromium) does the same for the pages with date, file and draft fields.
"""

from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from bianzhi.models import User
from evaluations import services
from evaluations.indicators import campaign_indicator_codes
from evaluations.models import Campaign

from .evaluations.conftest import PNG, accept_all, advance_to, make_world
from .factories import TEST_PASSWORD, campaign_tree_factory
from .htmlforms import HtmlForm, post_forms
from .test_url_permissions import PUBLIC, RULES, all_urls, url_for

APP_LABELS = {"bianzhi", "evaluations", "surveys", "scoring", "reports"}
MAX_PAGES = 400
NOT_PAGES = (".csv", ".xlsx", ".pdf", ".svg", "/download/", "/logout/", "/admin/", "/api/")


def snapshot() -> dict:
    """Every row of every model of the project, without the bookkeeping `updated_at`."""
    state = {}
    for model in apps.get_models():
        if model._meta.app_label not in APP_LABELS:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if f.name != "updated_at"]
        state[model._meta.label] = list(model.objects.order_by("pk").values_list(*fields))
    return state


def difference(before: dict, after: dict) -> str:
    changed = []
    for label in before:
        if before[label] != after[label]:
            old, new = set(map(repr, before[label])), set(map(repr, after[label]))
            changed.append(f"{label}: -{sorted(old - new)[:2]} +{sorted(new - old)[:2]}")
    return "; ".join(changed)


# ---------------------------------------------------------------------------------------------------------
# A campaign with something in every field a page can edit
# ---------------------------------------------------------------------------------------------------------
def full_world(stage: str):
    world = make_world()
    services.campaign_deadlines_set(
        campaign=world.campaign, actor=world.evaluator,
        deadlines={s.value: date(2026, 12, 1) + timedelta(days=n) for n, s in enumerate(Campaign.Status)
                   if s not in (Campaign.Status.PLAN, Campaign.Status.CLOSED)},
    )
    tree = campaign_tree_factory(actor=world.evaluator, campaign=world.campaign)
    from scoring.services import expert_invite

    expert_invite(tree=tree, name="李专家", affiliation="临川学院", actor=world.evaluator)
    from surveys.services import form_create, satisfaction_form_issue

    satisfaction_form_issue(campaign=world.campaign, actor=world.evaluator)
    later = timezone.now() + timedelta(days=3, seconds=17)  # seconds: the page shows minutes
    form_create(campaign=world.campaign, kind="questionnaire", actor=world.evaluator, opens_at=later,
                closes_at=later + timedelta(days=30))
    if stage == Campaign.Status.SELF_ASSESSMENT:
        advance_to(world, stage)
        codes = campaign_indicator_codes(world.campaign)
        services.self_assessment_save(target=world.target, actor=world.liaison,
                                      items={c: (Decimal("8.5"), f"说明{c}\n第二行") for c in codes[:5]})
        return world
    accept_all(world)
    advance_to(world, Campaign.Status.FIELD_VISIT)
    services.upload_add(target=world.target, actor=world.evaluator, purpose="photo", data=PNG, name="门牌.png")
    codes = campaign_indicator_codes(world.campaign)
    services.field_visit_save(
        target=world.target, actor=world.evaluator,
        fields={"visit_date": date(2026, 12, 4), "people_met": "局长、科长", "listen_notes": "汇报要点",
                "signs_match": True, "posts_match": False, "people_in_place": None, "look_notes": "现场",
                "ballots_handed_out": 20, "ballots_returned": 18, "judgement": "总体较好",
                "extra_problems": "档案管理不规范\n公示不及时"},
        checks={codes[0]: ("发现一", True), codes[1]: ("发现二", False)},
    )
    sheet = form_create(campaign=world.campaign, kind="evaluation_sheet", actor=world.evaluator)
    from surveys.services import sheet_entries_save

    scores = {q.code: "8" for q in sheet.questions.filter(type="score")[:3]}
    sheet_entries_save(form=sheet, target=world.target, evaluator=world.evaluator,
                       data=scores | {f"{code}_reason": "理由\n第二行" for code in scores})
    return world


# ---------------------------------------------------------------------------------------------------------
# The crawl
# ---------------------------------------------------------------------------------------------------------
def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def crawl(client: Client, start: str = "/"):
    """(url, html) of every HTML page reachable by links from `start`."""
    seen, queue, pages = set(), [start], []
    while queue and len(pages) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url, follow=True)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        final = response.request["PATH_INFO"] + ("?" + response.request["QUERY_STRING"] if response.request.get("QUERY_STRING") else "")
        html = response.content.decode()
        pages.append((final, html))
        seen.add(final)
        for href in LINKS.findall(html):
            target = urljoin(final, href.replace("&amp;", "&")).split("#")[0]
            parts = urlsplit(target)
            if parts.netloc or not parts.path.startswith("/") or any(n in parts.path for n in NOT_PAGES):
                continue
            if "format=" in parts.query or "page=" in parts.query and parts.query.count("page=") > 1:
                continue
            if target not in seen:
                queue.append(target)
    return pages


import re  # noqa: E402

LINKS = re.compile(r'href="([^"]+)"')


def edit_forms(html: str) -> list[HtmlForm]:
    """POST forms that show values to edit; a form that makes something new says so (data-creates)."""
    return [f for f in post_forms(html) if f.shown_values() and f.default_button() is not None and not f.creates]


def view_name(url: str) -> str | None:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return None


def round_trip(client: Client, page: str, form: HtmlForm) -> str:
    """Post the form back unchanged; what changed in the database, or that it was refused ("" when all is well)."""
    before = snapshot()
    action = urljoin(page, form.action) if form.action else page
    response = client.post(action, form.data(form.default_button()))
    refused = f"refused with {response.status_code}; " if response.status_code >= 400 else ""
    return refused + difference(before, snapshot())


def users_of(world):
    return [("评估人员", world.evaluator), ("填报员", world.liaison)]


@pytest.mark.django_db
@pytest.mark.parametrize("stage", [Campaign.Status.SELF_ASSESSMENT, Campaign.Status.FIELD_VISIT])
def test_every_edit_page_posted_back_unchanged_changes_nothing(stage):
    world = full_world(stage)
    failures, tried, reached = [], set(), set()
    for who, user in users_of(world):
        client = login(user)
        for page, html in crawl(client):
            reached.add(view_name(page))
            for form in edit_forms(html):
                tried.add((view_name(page), form.action))
                changed = round_trip(client, page, form)
                if changed:
                    failures.append(f"{who} {page} → {form.action or '(same page)'}: {changed}")
    assert tried, "the crawl finds edit forms"
    assert not failures, "保存原样提交的页面改变了数据：\n" + "\n".join(failures)
    # every page the URL rules name, that answers this user with HTML, was reached by the crawl
    objects = {"campaign": world.campaign.pk, "target": world.target.pk, "unit": world.target.unit_id,
               "team": world.target.team_id}
    missed = []
    for who, user in users_of(world):
        client = login(user)
        for name, params, _route in all_urls():
            if name.startswith("admin:") or RULES.get(name, PUBLIC).public or ":" not in name:
                continue
            if not params <= {"pk", "campaign_pk", "target_pk"} or name.startswith(("surveys:", "reports:")) and params:
                continue  # the owner of a bare pk is guessed by url_for only for these
            try:
                url, _owner = url_for(name, params, objects | {"upload": 0, "report": 0, "notification": 0,
                                                                "version": 0, "form": 0, "form_unit": 0,
                                                                "question": 0, "response": 0, "export": 0}, "x")
            except Exception:  # noqa: BLE001 - a parameter this world has no object for
                continue
            response = client.get(url)
            if response.status_code == 200 and "text/html" in response.get("Content-Type", "") and name not in reached:
                missed.append(f"{who}: {name} ({url})")
    assert not missed, f"the crawl did not reach: {missed}"


def test_every_form_class_of_the_project_keeps_a_round_trip():
    """Dates a browser can read (bianzhi.widgets), CRLF line breaks read as the LF stored, times kept to the second:
    every Form of the project, found by importing its modules, inherits RoundTripMixin."""
    from django import forms

    from bianzhi.widgets import DateInput, DateTimeInput, RoundTripMixin

    from .test_exports_formulas import import_everything

    import_everything()

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = {c for c in subclasses(forms.BaseForm) if c.__module__.split(".")[0] in APP_LABELS}
    assert len(ours) >= 10
    assert not [c for c in ours if not issubclass(c, RoundTripMixin)], "every form inherits bianzhi.widgets.RoundTripMixin"
    for cls in ours:  # no date widget of Django's own: it renders 2026/12/04 under zh-hans
        for name, field in getattr(cls, "base_fields", {}).items():
            if isinstance(field, (forms.DateField, forms.DateTimeField)):
                assert isinstance(field.widget, (DateInput, DateTimeInput)), f"{cls.__name__}.{name}"


@pytest.mark.django_db
def test_the_round_trip_would_catch_a_date_the_browser_cannot_read():
    """The guard itself: a date rendered as 2026/12/04 is sent empty, and the deadline is lost."""
    world = full_world(Campaign.Status.FIELD_VISIT)
    client = login(world.evaluator)
    page = f"/campaigns/{world.campaign.pk}/edit/"
    html = client.get(page).content.decode().replace('value="2026-12-0', 'value="2026/12/0')
    (form,) = edit_forms(html)
    assert "CampaignDeadline" in round_trip(client, page, form)


# ---------------------------------------------------------------------------------------------------------
# The same in chromium, for the pages whose inputs a browser parses itself: dates, files, drafts
# ---------------------------------------------------------------------------------------------------------
BROWSER_TYPES = {"date", "datetime-local", "time", "month", "week", "file", "textarea"}  # textarea: CRLF


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("stage", [Campaign.Status.SELF_ASSESSMENT, Campaign.Status.FIELD_VISIT])
def test_in_a_real_browser_pages_with_dates_files_and_drafts_post_back_unchanged(stage, chromium, live_server):
    world = full_world(stage)
    failures, tried, kinds = [], [], set()
    for who, user in users_of(world):
        context = chromium.new_context(locale="zh-CN", base_url=live_server.url, viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto("/accounts/login/")
        page.get_by_label("用户名").fill(user.username)
        page.get_by_label("密码").fill(TEST_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()
        for url, html in crawl(login(user)):
            forms = [f for f in edit_forms(html) if f.draft or f.input_types & BROWSER_TYPES]
            for form in forms:
                kind = (view_name(url), view_name(urljoin(url, form.action)) if form.action else None)
                if kind in kinds:
                    continue  # one of each (41 indicator pages are one page to a browser)
                kinds.add(kind)
                page.goto(url)
                before = snapshot()
                button = form.default_button()
                selector = f'button[type="submit"][name="{button.name}"][value="{button.value}"]' if button.name \
                    else 'button[type="submit"], input[type="submit"]'
                with page.expect_navigation() as navigation:
                    page.evaluate(
                        "([i, sel]) => { const f = document.forms[i]; const b = f.querySelector(sel) ||"
                        " [...document.querySelectorAll(sel)].find(x => x.form === f); f.requestSubmit(b); }",
                        [form.index, selector],
                    )
                tried.append(url)
                status = navigation.value.status if navigation.value else 0
                changed = (f"refused with {status}; " if status >= 400 else "") + difference(before, snapshot())
                if changed:
                    failures.append(f"{who} {url}: {changed}")
        context.close()
    assert tried, "the crawl finds pages with date, file or draft fields"
    assert not failures, "浏览器中原样保存改变了数据：\n" + "\n".join(failures)
