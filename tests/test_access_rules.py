"""The access module is the only place that knows the roles: a grep of the code proves nothing else asks.

Allowed to name roles: bianzhi/access.py (the rules), bianzhi/models.py (the Role choices and the liaison's
constraint), the account management that assigns roles as data (bianzhi/accounts/), migrations, the demo seed, tests and factories. Everything else
asks `bianzhi.access`.
"""

import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from bianzhi import access
from bianzhi.models import User

ROOT = Path(__file__).resolve().parent.parent
APPS = ["bianzhi", "evaluations", "surveys", "scoring", "reports", "templates"]
ALLOWED = {
    "bianzhi/access.py", "bianzhi/models.py", "reports/management/commands/seed_demo.py", "scoring/demo.py",
    "reports/province.py",  # generated test data, like the demo seed
}
# Account management assigns roles as data (forms, import, filters); what a role may do it asks access too.
ALLOWED_DIRS = ("bianzhi/accounts/", "templates/accounts/")
ROLE = r"(?:admin|evaluator|leader|liaison)"
# What comparing a role looks like, in Python and in templates.
PATTERNS = [
    (r"\bRole\.(?:ADMIN|EVALUATOR|LEADER|LIAISON)\b", "a role named"),
    (r"\.role\b(?!s)", "a user's role read"),
    (r"\brole(?:__in)?\s*=(?!=)(?!\s*[\"'](?:alert|status|img|progressbar)[\"'])", "a query on roles"),
    (rf"[\"']{ROLE}[\"']\s*(?:==|!=)|(?:==|!=|\bin)\s*[\"']{ROLE}[\"']", "a role's value compared"),
    (r"[\"']leader[\"']", "the leader's value"),
    (r"\bis_office(?:_staff)?\b|\bsees_everything\b", "a role shortcut"),
    (r"\bis_staff\b|\bis_superuser\b|\bgroups__|\.groups\.|has_perm\(", "Django's staff flags or groups"),
]


def code_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*")):
            rel = path.relative_to(ROOT).as_posix()
            if path.suffix not in {".py", ".html"} or "/migrations/" in rel or rel in ALLOWED \
                    or rel.startswith(ALLOWED_DIRS):
                continue
            yield rel, path.read_text(encoding="utf-8")


def role_comparisons(files) -> list[str]:
    found = []
    for rel, text in files:
        for n, line in enumerate(text.splitlines(), 1):
            for pattern, what in PATTERNS:
                if re.search(pattern, line):
                    found.append(f"{rel}:{n}: {what}: {line.strip()}")
    return found


def test_nothing_outside_the_access_module_compares_roles():
    found = role_comparisons(code_files())
    assert not found, "请改用 bianzhi.access（may/restrict/require）：\n" + "\n".join(found)


@pytest.mark.parametrize("line", [
    'if request.user.role == User.Role.LEADER:',
    'return request.method in SAFE_METHODS or request.user.role != "leader"',
    '{% if user.role == "liaison" %}',
    "if not user.is_office_staff:",
    "{% if user.sees_everything %}",
    "User.objects.filter(role__in=[...])",
    "if request.user.is_staff:",
    "user.groups.filter(name='office')",
    "User.objects.filter(groups__name='office')",
])
def test_the_grep_catches_each_kind_of_role_check(line):
    assert role_comparisons([("x.py", line)])


def test_the_grep_lets_field_names_through():
    lines = ('select_related("unit", "liaison", "team")\nfields = ["liaison", "team"]\nlead_evaluator = None\n'
             '<p role="alert">x</p>\nreturn date(*match.groups())')
    assert not role_comparisons([("x.py", lines)])


# ---------------------------------------------------------------------------------------------------------
# The rules themselves
# ---------------------------------------------------------------------------------------------------------
def test_every_rule_names_known_roles_and_scopes():
    scopes = {access.ALL, access.OWN_UNIT, access.OWN_TEAM, access.OWN}
    for action, rule in access.RULES.items():
        assert re.fullmatch(r"[a-z_]+\.[a-z_]+", action), action
        assert set(rule) <= set(User.Role.values), action
        for scope in rule.values():
            assert scope in scopes or callable(scope), action


def test_leaders_read_everything_and_change_nothing():
    leader = User(role=User.Role.LEADER, is_active=True)
    reads = {"unit.view", "registry.view", "campaign.view", "campaign.inspect", "event.view", "package.view",
             "package.inspect", "upload.view", "notification.view", "form.view", "form.inspect", "link.view", "sheet.view",
             "results.view_all", "results.view_provisional", "dashboard.view", "report.view", "report.download",
             "report.inspect", "summary.view", "tree.view", "ahp.view", "staff_comments.view", "pool.view",
             "request.view", "rules.view", "followup.view", "feedback.view", "appeal.view", "rectification.view"}
    policies = {"session.idle_timeout"}  # what happens to the role, not something it does
    for action in set(access.RULES) - policies:
        assert access.may(leader, action) == (action in reads), action


@pytest.mark.django_db
def test_require_hides_what_may_not_be_seen_and_refuses_what_may_not_be_done():
    from tests.factories import UnitFactory, UserFactory

    mine, other = UnitFactory(), UnitFactory()
    liaison = UserFactory(role=User.Role.LIAISON, unit=mine)
    access.require(liaison, "unit.view", mine)
    with pytest.raises(Http404):
        access.require(liaison, "unit.view", other)
    with pytest.raises(PermissionDenied):
        access.require(liaison, "registry.import")
    assert list(access.restrict(type(mine).objects.all(), liaison, "unit.view")) == [mine]


def test_an_unknown_action_is_an_error_not_a_refusal():
    with pytest.raises(LookupError):
        access.may(User(role=User.Role.ADMIN, is_active=True), "campaign.destroy")


def test_every_action_the_code_names_is_a_rule():
    """A typo in an action name would raise at run time on some page: catch it here, for the whole code base."""
    kinds = {action.split(".")[0] for action in access.RULES}
    named = set()
    for _rel, text in code_files():
        named |= {f"{kind}.{verb}" for kind, verb in re.findall(r"\bmay\.(\w+)\.(\w+)", text)}
        if "access" in text or "action_required" in text:  # modules that ask: every "kind.verb" literal
            named |= {a for a in re.findall(r"""(?<!source=)["']([a-z]+\.[a-z_]+)["']""", text) if a.split(".")[0] in kinds}
    assert {"campaign.advance", "tree.view", "form.answers", "ahp.freeze"} <= named, "the scan misses actions"
    assert not named - set(access.RULES), sorted(named - set(access.RULES))
