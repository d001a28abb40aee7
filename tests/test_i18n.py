"""English: the catalogue is complete, and the pages render in English with no Chinese outside the data.

The page walk reuses the URL-permission test's site (one campaign with everything a URL can name) and its
rules: every GET page, as every user the rules allow, with English chosen the way a user chooses it (the
header's switch sets Django's language cookie). Chinese that is data — a unit's name, a person's name, an
indicator of the campaign's tree — is removed first: every text value stored in the database is data.
"""

import html
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import translation

from bianzhi import i18n_check

from .test_url_permissions import RULES, all_urls, expected, people, site, url_for  # noqa: F401  (site: fixture)

pytestmark = pytest.mark.django_db

# Pages whose strings are not in the catalogue yet (exact URL names): such a page is still walked, its Chinese only
# reported instead of failing the test. Empty: every page is in English.
PENDING_AREAS: set[str] = set()
# Files whose format is Chinese by design: the registry import template and its exports are read back by the
# importer, which matches Chinese sheet and column names.
CHINESE_FILE_FORMATS = {"registry:unit_export", "registry:import_template", "registry:import_errors"}

CJK = i18n_check.CJK
PROJECT_APPS = {"bianzhi", "accounts", "evaluations", "surveys", "scoring", "reports", "pool"}


@pytest.fixture(autouse=True)
def back_to_chinese():
    """A request leaves its language active in the thread (as Django's LocaleMiddleware does): later tests,
    which call services outside a request, must find the default again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_the_catalogue_has_no_untranslated_or_fuzzy_entry():
    """New strings must be translated: `make messages-update`, translate, `make messages`."""
    found = [p for path in i18n_check.CATALOGUES for p in i18n_check.problems(path)]
    assert not found, "\n".join(found[:50])


def test_the_compiled_catalogue_is_current():
    for po in i18n_check.CATALOGUES:
        mo = po.with_suffix(".mo")
        assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime, f"{mo} is missing or stale: `make messages`"


def test_the_checker_reports_what_django_would_ignore(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "已保存"\nmsgstr "Saved"\n\n'
        '#, fuzzy\nmsgid "已删除"\nmsgstr "Removed"\n\n'
        'msgid "已退回"\nmsgstr ""\n\n'
        'msgid "第 %(n)s 版"\nmsgstr "Version %(v)s"\n\n'
        'msgid "退出"\nmsgstr "退出"\n', encoding="utf-8")
    found = "\n".join(i18n_check.problems(po))
    assert "已保存" not in found
    assert "'已删除'" in found and "fuzzy" in found
    assert "'已退回'" in found and "untranslated" in found
    assert "placeholders" in found
    assert "Chinese in the translation" in found


def test_english_is_compiled_and_active():
    with translation.override("en"):
        assert translation.gettext("编制台账") == "Staffing register"
        assert str(models.CharField(verbose_name=translation.gettext_lazy("状态")).verbose_name) == "Status"


def data_values() -> list[str]:
    """Every Chinese text stored in the project's tables (names, titles, tree labels, answers), longest first."""
    values = set()
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        fields = [f.attname for f in model._meta.concrete_fields
                  if isinstance(f, (models.CharField, models.TextField, models.JSONField))]
        for row in model.objects.values_list(*fields):
            for value in row:
                _collect(value, values)
    return sorted(values, key=len, reverse=True)


def _collect(value, into: set[str]) -> None:
    if isinstance(value, str):
        if CJK.search(value):
            into.add(value)
            into.update(line.strip() for line in value.splitlines() if CJK.search(line))
    elif isinstance(value, dict):
        for k, v in value.items():
            _collect(k, into)
            _collect(v, into)
    elif isinstance(value, list | tuple):
        for v in value:
            _collect(v, into)


SWITCH = re.compile(r'<button[^>]*lang="zh-hans"[^>]*>.*?</button>', re.S)  # the switch back names 中文 in Chinese


def chinese_left(text: str, data: list[str]) -> list[str]:
    """The runs of Chinese in a page once the data is taken out."""
    text = html.unescape(SWITCH.sub("", text))
    for value in data:
        text = text.replace(value, "")
    return sorted({m.group(0) for m in re.finditer(r"[^\s<>\"']*(?:" + CJK.pattern + r")+[^\s<>\"']*", text)})


def english_client(user=None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")  # the browser asks for Chinese; the switch wins
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def pending(name: str) -> bool:
    return name in PENDING_AREAS


def test_every_page_renders_in_english_for_every_user(site):  # noqa: F811  (the fixture)
    world, objects, keys, token = site
    users = people(world)
    clients = {who: english_client(user) for who, user in users.items()}
    data = data_values()
    found: dict[str, set[str]] = {}
    pages = 0
    for name, params, _route in all_urls():
        rule = RULES.get(name)
        if name.startswith("admin:") or rule is None or name in CHINESE_FILE_FORMATS:
            continue
        url, owner = url_for(name, params, objects, keys, token)
        if rule.public:
            checks = [("anonymous", english_client())] if name not in {"logout", "set_language"} else []
        elif rule.get:
            obj, target = objects.get(owner), objects["target"] if "target_pk" in params else None
            on = objects[rule.on] if rule.on else None
            checks = [(who, clients[who]) for who, user in users.items()
                      if expected(user, rule, rule.get, obj, target, on) is None]
        else:
            continue
        for _who, client in checks:
            response = client.get(url)
            kind = response.get("Content-Type", "")
            if response.status_code != 200 or not kind.startswith(("text/html", "text/csv")):
                continue
            pages += 1
            body = b"".join(response.streaming_content) if response.streaming else response.content
            left = chinese_left(body.decode("utf-8", "replace"), data)
            if left:
                found.setdefault(name, set()).update(left)
    wrong = [f"{name}: {' '.join(sorted(runs))}" for name, runs in found.items() if not pending(name)]
    reported = [f"{name}: {' '.join(sorted(runs))}" for name, runs in found.items() if pending(name)]
    if reported:
        print("PENDING_AREAS, still Chinese:\n" + "\n".join(reported))
    assert pages >= 100
    assert not wrong, "\n".join(wrong)


def test_the_error_pages_and_the_switch_speak_english(site):  # noqa: F811  (the fixture)
    client = english_client()
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert not chinese_left(missing.content.decode(), []), chinese_left(missing.content.decode(), [])
    login = client.get(reverse("login"))
    assert 'lang="en"' in login.content.decode() and not chinese_left(login.content.decode(), [])


def test_the_language_switch_changes_the_language():
    client = Client()
    page = client.get(reverse("login")).content.decode()
    assert "登录" in page and 'value="en"' in page
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    page = client.get(reverse("login")).content.decode()
    assert "Sign in" in page or "Sign-in" in page
    assert 'value="zh-hans"' in page
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "登录" in client.get(reverse("login")).content.decode()


def test_a_browser_set_to_english_still_gets_chinese_until_the_user_chooses():
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "登录" in client.get(reverse("login")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "登录" not in client.get(reverse("login")).content.decode()
