"""Reaching people: how many answers each unit should aim for (the form's target sample, a unit's own)."""

from django.db import transaction
from django.utils.translation import gettext as _

from bianzhi.exceptions import ApplicationError
from bianzhi.models import User
from evaluations import events
from evaluations.guard import campaign_writable

from ..models import Form, SampleTarget

MAX_SAMPLE = 100_000


def _size(value: int | None) -> int | None:
    if value is not None and not (0 < value <= MAX_SAMPLE):
        raise ApplicationError(_("目标样本量须为 1 至 %(max)s 之间的整数") % {"max": MAX_SAMPLE})
    return value


@transaction.atomic
def form_sample_targets_set(*, form: Form, actor: User, default: int | None, per_unit: dict[int, int | None]) -> Form:
    """The form's target sample per unit (None: the campaign's minimum sample) and units' own (None: the form's).
    Records what changed; saving the page unchanged records nothing."""
    form = Form.objects.select_for_update().select_related("campaign").get(pk=form.pk)
    if form.is_sheet:
        raise ApplicationError(_("评估表由评估组填写，没有样本量"))
    campaign_writable(form.campaign, "links")
    targets = {t.pk: t for t in form.campaign.targets.select_related("unit")}
    unknown = set(per_unit) - set(targets)
    if unknown:
        raise ApplicationError(_("该单位不在本次评估活动中"))
    default = _size(default)
    per_unit = {pk: _size(size) for pk, size in per_unit.items()}
    saved = {s.target_id: s for s in form.sample_targets.all()}
    before = {"default": form.sample_target, "units": {targets[pk].unit.name: s.size for pk, s in saved.items() if pk in targets}}
    if form.sample_target != default:
        form.sample_target = default
        form.save(update_fields=["sample_target", "updated_at"])
    for pk, size in per_unit.items():
        if size is None:
            if pk in saved:
                saved.pop(pk).delete()
        elif pk not in saved:
            saved[pk] = SampleTarget.objects.create(form=form, target_id=pk, size=size)
        elif saved[pk].size != size:
            saved[pk].size = size
            saved[pk].save(update_fields=["size"])
    after = {"default": default, "units": {targets[pk].unit.name: s.size for pk, s in saved.items() if pk in targets}}
    if before != after:
        events.event_sample_targets_set(form=form, actor=actor, before=before, after=after)
    return form
