"""Field visit: 听 查 看 访 评, then the problem list."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bianzhi import access
from bianzhi.exceptions import ApplicationError
from bianzhi.models import User

from .. import events
from ..guard import campaign_writable
from ..indicators import campaign_indicator_codes
from ..models import CampaignTarget, FieldVisit, FieldVisitCheck, FieldVisitInterview, Problem
from ..visits import stages_done
from ._common import target_move

TStatus = CampaignTarget.Status


def _visit_draft(target: CampaignTarget, actor: User) -> FieldVisit:
    if not access.may(actor, "package.visit", target):
        raise PermissionDenied(_("只有负责该单位的评估组成员可以记录实地评估"))
    campaign_writable(target.campaign, "field_visit")
    visit = FieldVisit.objects.select_for_update().filter(target=target).first()
    if visit is None or visit.status != FieldVisit.Status.DRAFT:
        raise ApplicationError(_("该单位的实地评估已完成，不能再修改"))
    return visit


VISIT_FIELDS = (
    "visit_date", "people_met", "listen_notes", "signs_match", "posts_match", "people_in_place", "look_notes",
    "ballots_handed_out", "ballots_returned", "judgement", "extra_problems",
)


@transaction.atomic
def field_visit_save(
    *, target: CampaignTarget, actor: User, fields: dict, checks: dict[str, tuple[str, bool]] | None = None,
    interview: tuple[str, str] | None = None,
) -> FieldVisit:
    """Save the visit record (a draft until completed); records each changed field before → after."""
    visit = _visit_draft(target, actor)
    changes = {}
    for name in VISIT_FIELDS:
        if name in fields and getattr(visit, name) != fields[name]:
            changes[name] = {"from": getattr(visit, name), "to": fields[name]}
            setattr(visit, name, fields[name])
    if visit.ballots_returned is not None and visit.ballots_handed_out is not None \
            and visit.ballots_returned > visit.ballots_handed_out:
        raise ApplicationError(_("收回的测评票不能多于发放的测评票"))
    visit.save()
    existing = {c.indicator_code: c for c in visit.checks.all()}
    valid_codes = set(campaign_indicator_codes(target.campaign))
    for code, (finding, is_problem) in (checks or {}).items():
        if code not in valid_codes:
            raise ApplicationError(_("未知的指标：%(c)s") % {"c": code})
        old = existing.get(code)
        current = (old.finding, old.is_problem) if old else ("", False)
        if current == (finding, is_problem):
            continue
        changes[f"check:{code}"] = {"from": [old.finding, old.is_problem] if old else None, "to": [finding, is_problem]}
        FieldVisitCheck.objects.update_or_create(
            visit=visit, indicator_code=code, defaults={"finding": finding, "is_problem": is_problem}
        )
    if interview and interview[1].strip():
        FieldVisitInterview.objects.create(visit=visit, interviewee=interview[0].strip() or _("（未具名）"),
                                           notes=interview[1].strip())
        changes["interview"] = {"from": None, "to": interview[0]}
    if changes:
        events.event_visit_saved(target=target, actor=actor, changes=changes)
    return visit


@transaction.atomic
def field_visit_complete(*, target: CampaignTarget, actor: User, extra_problems: Iterable[str] = ()) -> FieldVisit:
    """Close the visit once all five steps are recorded; its findings become the unit's problem list."""
    target = CampaignTarget.objects.select_for_update(of=("self",)).select_related("campaign", "unit").get(pk=target.pk)
    visit = _visit_draft(target, actor)
    missing = [str(FieldVisit.Stage(stage).label) for stage, done in stages_done(visit).items() if not done]
    if missing:
        raise ApplicationError(_("以下环节尚未完成：%(s)s") % {"s": _("、").join(missing)})
    problems = [
        Problem(target=target, visit=visit, stage=FieldVisit.Stage.CHECK, indicator_code=c.indicator_code,
                description=c.finding)
        for c in visit.checks.filter(is_problem=True)
    ]
    for field in ("signs_match", "posts_match", "people_in_place"):
        if getattr(visit, field) is False:
            label = FieldVisit._meta.get_field(field).verbose_name
            problems.append(Problem(target=target, visit=visit, stage=FieldVisit.Stage.LOOK,
                                    description=_("现场查看：%(item)s——不符。%(notes)s") % {"item": label, "notes": visit.look_notes}))
    # the saved 其他问题 and any given here (API callers), each once
    texts = dict.fromkeys(t.strip() for t in [*visit.extra_problems.splitlines(), *extra_problems] if t.strip())
    problems += [Problem(target=target, visit=visit, stage=FieldVisit.Stage.JUDGE, description=text) for text in texts]
    Problem.objects.bulk_create(problems)
    visit.status, visit.completed_at = FieldVisit.Status.COMPLETED, timezone.now()
    visit.save(update_fields=["status", "completed_at", "updated_at"])
    target_move(target=target, to_status=TStatus.FIELD_DONE, actor=actor)
    events.event_visit_completed(target=target, actor=actor, problems=len(problems))
    return visit
