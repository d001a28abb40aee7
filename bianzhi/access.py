"""Who may do what: the one place that knows the roles.

Every rule is named by an action (`campaign.advance`, `package.review`, `sheet.fill`, …) and says, role by
role, on which objects the role may do it: all of them, those of the user's own unit, those of the user's
evaluation team, the user's own rows, or none. The same table answers three questions:

- `may(user, action, obj=None)`: may the user do it on this object (or, without an object, at all)?
- `restrict(queryset, user, action)`: the rows of a queryset the user may do it on (reads scope this way);
- `require(user, action, obj=None)`: raise `Http404` when the user may not even see `obj`, `PermissionDenied`
  when they see it but may not act. Not allowed to see → 404; may see but not act → 403.

Nothing else in the project compares roles (a test greps for it). Templates read `Permissions(user)` (the
`may` context variable: `{% if may.campaign.advance %}`) or flags that views compute with `may(...)`.

The roles: administrators and evaluators act for the staffing office (an evaluator on their team's units
where that matters); leaders read everything and change nothing; a unit's liaison sees only their own unit,
and another unit's objects are hidden from them (404), never merely refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from .models import User

R = User.Role

# ---------------------------------------------------------------------------------------------------------
# Scopes: on which rows a role may do something. Each gives a Q on a model (None: nothing at all).
# ---------------------------------------------------------------------------------------------------------
# How each kind of object reaches its unit, and its team (the team of the unit's package in a campaign).
UNIT_PATHS = {
    "bianzhi.Unit": "pk",
    "evaluations.Campaign": "targets__unit",
    "evaluations.CampaignTarget": "unit",
    "evaluations.CampaignEvent": "target__unit",
    "evaluations.Upload": "target__unit",
    "evaluations.FieldVisit": "target__unit",
    "surveys.Form": "campaign__targets__unit",
    "surveys.Export": "form__campaign__targets__unit",
    "surveys.SurveyLink": "target__unit",
    "reports.Report": "target__unit",
    "reports.ReportVersion": "target__unit",
    "scoring.StaffingRequest": "unit",
    "reports.Feedback": "target__unit",
    "reports.Appeal": "target__unit",
    "reports.RectificationItem": "target__unit",
}
TARGET_PATHS = {
    "evaluations.CampaignTarget": "",
    "evaluations.Upload": "target__",
    "evaluations.FieldVisit": "target__",
    "surveys.SurveyLink": "target__",
    "reports.Report": "target__",
    "reports.ReportVersion": "target__",
}
USER_PATHS = {"evaluations.Notification": "user"}
# 复核: the appeals the office assigned to a reviewer (复核人员), and nothing else of the unit.
ASSIGNED_PATHS = {"reports.Appeal": "reviewer"}

Scope = Callable[[User, type[Model]], Q | None]


def _path(paths: dict[str, str], model: type[Model]) -> str:
    try:
        return paths[model._meta.label]
    except KeyError:  # a rule applied to a kind it does not know: a programming error, loudly
        raise LookupError(f"bianzhi.access: no path from {model._meta.label} for this scope") from None


def ALL(user: User, model: type[Model]) -> Q:
    return Q()


def OWN_UNIT(user: User, model: type[Model]) -> Q | None:
    if not user.unit_id:
        return None
    return Q(**{_path(UNIT_PATHS, model): user.unit_id})


def OWN_TEAM(user: User, model: type[Model]) -> Q:
    """The units of the user's evaluation team (any unit, while a unit has no team)."""
    prefix = _path(TARGET_PATHS, model)
    return Q(**{f"{prefix}team__isnull": True}) | Q(**{f"{prefix}team__members": user})


def OWN(user: User, model: type[Model]) -> Q:
    return Q(**{_path(USER_PATHS, model): user})


def ASSIGNED(user: User, model: type[Model]) -> Q:
    return Q(**{_path(ASSIGNED_PATHS, model): user})


def own_unit_except(**exclude) -> Scope:
    """The user's own unit, without some rows (e.g. the evaluators' working files on a unit's sheet)."""

    def scope(user: User, model: type[Model]) -> Q | None:
        q = OWN_UNIT(user, model)
        return None if q is None else q & ~Q(**exclude)

    return scope


# ---------------------------------------------------------------------------------------------------------
# The rules, written once
# ---------------------------------------------------------------------------------------------------------
OFFICE = {R.ADMIN: ALL, R.EVALUATOR: ALL}
READERS = OFFICE | {R.LEADER: ALL}
UNIT_READERS = READERS | {R.LIAISON: OWN_UNIT}
TEAM = {R.ADMIN: ALL, R.EVALUATOR: OWN_TEAM}
EVERYONE_OWN = {role: OWN for role in R}

RULES: dict[str, dict[str, Scope]] = {
    # the registry (编制台账)
    "unit.view": UNIT_READERS,
    "registry.view": READERS,  # the whole registry: list, export, import template
    "registry.import": OFFICE,
    # campaigns
    "campaign.view": UNIT_READERS,  # a liaison sees the campaigns that evaluate their unit
    "campaign.inspect": READERS,  # the office's pages of a campaign: detail, board, audit trail, forms
    "campaign.create": OFFICE,
    "campaign.edit": OFFICE,  # settings, deadlines, teams
    "campaign.advance": OFFICE,
    "event.view": UNIT_READERS,  # the audit trail: a liaison reads their own unit's part
    "data.change": OFFICE | {R.LIAISON: ALL},  # anything at all through the API (leaders change nothing)
    # a unit's package
    "workbench.view": OFFICE | {R.LIAISON: ALL},
    "package.view": UNIT_READERS,
    "package.inspect": READERS,  # the field visit's record
    "package.fill": {R.LIAISON: OWN_UNIT},  # the self-assessment, the notice
    "package.review": TEAM,  # accept or return a self-assessment
    "package.visit": TEAM,  # record the field visit
    "package.file": TEAM | {R.LIAISON: OWN_UNIT},  # upload a file to the package
    "upload.view": READERS | {R.LIAISON: own_unit_except(purpose="sheet_evidence")},
    "notification.view": EVERYONE_OWN,
    # forms (surveys)
    "form.view": UNIT_READERS,
    "form.inspect": READERS,  # a form's office page, its results, its QR codes
    "link.view": UNIT_READERS,  # a unit's public link (and its QR code)
    "form.answers": OFFICE,  # answer sheets one by one, distribution, printed ballots
    "staff_comments.view": READERS,  # the staff's released comments: never the unit's own liaison
    "forms.manage": OFFICE,  # create forms, questions, links, ballots, schedules, voids
    "sheet.view": {R.ADMIN: ALL, R.EVALUATOR: OWN_TEAM, R.LEADER: ALL},
    "sheet.fill": TEAM,
    "sheet.sign": TEAM,
    "team.member": OFFICE,  # who may sit in an evaluation team or lead a sheet
    "export.view": OFFICE,
    "export.request": OFFICE,
    # results and reports
    "results.view_all": READERS,  # every unit's results and the campaign's totals
    "results.view_provisional": READERS,  # scores before they are fed back
    "results.own_unit": {R.LIAISON: ALL},  # 本单位: the liaison's own unit's results and reports
    "dashboard.view": READERS,
    "report.view": UNIT_READERS,
    "report.download": UNIT_READERS,
    "report.request": OFFICE,  # render a signed report's files (one unit, or 生成全部报告)
    "report.inspect": READERS,  # a unit's report as it is being written, its versions
    "report.write": TEAM,  # 撰写报告: the unit's evaluation team edits the draft
    "report.sign": TEAM,  # the lead of the team signs (reports.services.report_sign checks the lead)
    "summary.view": READERS,  # 总结汇报: the campaign's summary report
    "summary.write": OFFICE,  # its suggestions, its rendering
    "word_template.manage": OFFICE,  # download the default Word templates, upload the office's own
    # the after stage (reports.followup): feedback, 复核 appeals, the final lock, 整改
    "followup.view": READERS,  # the campaign's feedback, appeals and 整改 pages
    "followup.manage": OFFICE,  # settings, issue results, assign reviewers, lock results, 整改 items
    "followup.remind": OFFICE,  # 催办: remind the liaisons of units behind
    "feedback.view": UNIT_READERS,  # a unit's fed-back result and its follow-up page
    "appeal.view": READERS | {R.LIAISON: OWN_UNIT, R.REVIEWER: ASSIGNED},
    "appeal.file": {R.LIAISON: OWN_UNIT},
    "appeal.decide": {R.REVIEWER: ASSIGNED},
    "appeal.review": {R.REVIEWER: ALL},  # who may be assigned to review (and their list of assignments)
    "rectification.view": UNIT_READERS,
    "rectification.report": {R.LIAISON: OWN_UNIT},
    # the indicator tree and its AHP weights
    "tree.view": UNIT_READERS,  # a liaison reads the tree their unit is evaluated by (page and API alike)
    "tree.edit": OFFICE,
    "ahp.view": READERS,
    "ahp.judge": OFFICE,  # invite experts, change their status (the experts judge by their own link)
    "ahp.freeze": OFFICE,
    "deadline.remind": {R.EVALUATOR: ALL},  # reminded of the office's deadlines on units without a team
    # result application: the 编制周转池 and the requests register (机构编制事项)
    "pool.view": READERS,
    "pool.post": OFFICE,  # deposits, loans, returns, reversals
    "request.view": UNIT_READERS,
    "request.file": OFFICE | {R.LIAISON: OWN_UNIT},  # a liaison files for their own unit
    "request.handle": OFFICE,  # review, approve, refuse, return; reclaim proposals
    "request.override": OFFICE,  # lift a result rule's block with a written reason (its own rule: may narrow)
    "rules.view": READERS,  # the result-application rules, reclaims, the 绩效考评 list
    "rules.edit": OFFICE,
    # accounts and the security audit (等保: the administrator alone)
    "accounts.manage": {R.ADMIN: ALL},
    "session.idle_timeout": {role: ALL for role in R if role != R.LIAISON},  # office sessions end when idle
    # the Django admin
    "admin.site": {R.ADMIN: ALL},
}

# What "seeing" an object means, by kind: the action require() checks first (failing it is a 404).
VIEW_ACTIONS = {
    "bianzhi.Unit": "unit.view",
    "evaluations.Campaign": "campaign.view",
    "evaluations.CampaignTarget": "package.view",
    "evaluations.CampaignEvent": "event.view",
    "evaluations.Upload": "upload.view",
    "evaluations.FieldVisit": "package.view",
    "evaluations.Notification": "notification.view",
    "surveys.Form": "form.view",
    "surveys.SurveyLink": "link.view",
    "surveys.Export": "export.view",
    "reports.Report": "report.view",
    "reports.SummaryReport": "summary.view",
    "scoring.StaffingRequest": "request.view",
    "reports.Appeal": "appeal.view",
    "reports.RectificationItem": "rectification.view",
}

# Each role's home page.
HOME_BY_ROLE = {
    R.ADMIN: "evaluations:campaign_list",
    R.EVALUATOR: "evaluations:campaign_list",
    R.LEADER: "reports:dashboard",
    R.LIAISON: "evaluations:workbench",
    R.REVIEWER: "reports:followup_my_reviews",  # 复核人员: the appeals assigned to them
}


# ---------------------------------------------------------------------------------------------------------
# The three questions
# ---------------------------------------------------------------------------------------------------------
def _scope(user, action: str) -> Scope | None:
    try:
        rule = RULES[action]
    except KeyError:
        raise LookupError(f"bianzhi.access: unknown action {action!r}") from None
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return rule.get(user.role)


def may(user, action: str, obj: Any = None) -> bool:
    """May `user` do `action` on `obj` (without obj: on anything at all)?"""
    scope = _scope(user, action)
    if scope is None:
        return False
    if obj is None:
        return True
    if scope is ALL:
        return True
    model = type(obj)
    if scope is OWN_UNIT and model._meta.label in {"bianzhi.Unit", "evaluations.CampaignTarget"}:  # no query
        unit_id = obj.pk if model._meta.label == "bianzhi.Unit" else obj.unit_id
        return user.unit_id is not None and user.unit_id == unit_id
    q = scope(user, model)
    if q is None:
        return False
    return model._default_manager.filter(q, pk=obj.pk).exists()


def restrict(queryset: QuerySet, user, action: str) -> QuerySet:
    """The rows of `queryset` on which `user` may do `action`."""
    scope = _scope(user, action)
    if scope is None:
        return queryset.none()
    if scope is ALL:
        return queryset
    q = scope(user, queryset.model)
    return queryset.none() if q is None else queryset.filter(q)


def require(user, action: str, obj: Any = None, *, message: str | None = None) -> None:
    """Raise Http404 if the user may not see `obj`, PermissionDenied if they see it but may not `action`
    (with `message`, in Chinese, for the refusal page)."""
    if obj is not None:
        view = VIEW_ACTIONS.get(obj._meta.label)
        if view and not may(user, view, obj):
            raise Http404
    if not may(user, action, obj):
        raise PermissionDenied(*([message] if message else []))


def holders(action: str) -> Q:
    """A filter on users: those whose role may do `action` somewhere (e.g. who may join a team)."""
    return Q(role__in=[role for role in RULES[action]])


def home_url_name(user) -> str:
    return HOME_BY_ROLE[user.role]


class Permissions:
    """Template-friendly, for the signed-in user: `{% if may.campaign.advance %}` (may it at all)."""

    def __init__(self, user):
        self._user = user

    def __getattr__(self, kind: str) -> _Kind:
        if kind.startswith("_"):
            raise AttributeError(kind)
        return _Kind(self._user, kind)


class _Kind:
    def __init__(self, user, kind: str):
        self._user, self._kind = user, kind

    def __getattr__(self, verb: str) -> bool:
        if verb.startswith("_"):
            raise AttributeError(verb)
        return may(self._user, f"{self._kind}.{verb}")
