"""The audit trail's events: one function per event, each writing one append-only CampaignEvent row, and one
describer per type that says the row in a Chinese sentence naming who did it
("王评估 将评估阶段由 部门自评 改为 社会调查").

Adding an event: a constant in CampaignEvent.Type, a function here that calls `_record`, and a describer
registered with `@describes(...)`. The type column is a plain string, so no migration is needed; a test
checks that every type has a describer. Callers pass plain values (codes, names, counts) or objects of this
app; objects of the apps above (forms, trees) are passed as their kind/label, so this module imports none.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bianzhi.models import User

from .models import Campaign, CampaignEvent, CampaignTarget, Upload

T = CampaignEvent.Type


def actor_name(actor: User | None) -> str:
    if actor is None:
        return ""
    return actor.display_name


def _record(
    *, campaign: Campaign, type: str, actor: User | None, target: CampaignTarget | None = None, **data: Any
) -> CampaignEvent:
    return CampaignEvent.objects.create(
        campaign=campaign, target=target, type=type, actor=actor, actor_name=actor_name(actor), data=data
    )


def describes(*types: str) -> Callable:
    """Register the function as the describer of these event types."""

    def register(function: Callable[[CampaignEvent], str]) -> Callable[[CampaignEvent], str]:
        for type in types:
            CampaignEvent.DESCRIBERS[type] = function
        return function

    return register


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else str(value or "—")


def _stage(value) -> str:
    return _label(Campaign.Status, value)


def _package(value) -> str:
    return _label(CampaignTarget.Status, value)


def _unit(event: CampaignEvent) -> str:
    return event.target.unit.name if event.target_id else ""


def _plain(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, (list, tuple)):
        return _("、").join(_plain(v) for v in value) or "—"
    return str(value)


def _fields(changes: dict, labels: dict | None = None) -> str:
    labels = labels or {}
    return _("；").join(
        _("%(field)s 由 %(before)s 改为 %(after)s") % {
            "field": labels.get(field, field), "before": _plain(change.get("from")), "after": _plain(change.get("to"))}
        for field, change in changes.items() if isinstance(change, dict)
    )


# ---------------------------------------------------------------------------------------------------------
# The campaign
# ---------------------------------------------------------------------------------------------------------
def event_campaign_created(*, campaign: Campaign, actor: User, units: Iterable[str]) -> CampaignEvent:
    units = list(units)
    return _record(campaign=campaign, type=T.CREATED, actor=actor, name=campaign.name, year=campaign.year,
                   kind=campaign.kind, units=units)


@describes(T.CREATED)
def _created(e: CampaignEvent) -> str:
    return _("%(who)s 创建了评估活动“%(year)s %(name)s”，被评估单位 %(n)d 个") % {
        "who": e.who, "year": e.data.get("year", ""), "name": e.data.get("name", ""), "n": len(e.data.get("units", []))}


CAMPAIGN_FIELD_LABELS = {
    "name": gettext_lazy("名称"), "kind": gettext_lazy("评估类型"), "plan_text": gettext_lazy("实施方案"), "notice_text": gettext_lazy("评估通知"),
    "excellent_min": gettext_lazy("优秀分数线"), "good_min": gettext_lazy("良好分数线"), "fair_min": gettext_lazy("一般分数线"),
}


def event_campaign_edited(*, campaign: Campaign, actor: User, changes: dict) -> CampaignEvent:
    return _record(campaign=campaign, type=T.EDITED, actor=actor, changes=changes)


@describes(T.EDITED)
def _edited(e: CampaignEvent) -> str:
    data = e.data
    if "changes" in data:
        labels = {k: str(v) for k, v in CAMPAIGN_FIELD_LABELS.items()}
        long_texts = {"plan_text", "notice_text"}  # a document's text is too long for a sentence
        short = {k: v for k, v in data["changes"].items() if k not in long_texts}
        parts = [_fields(short, labels)] + [_("修改了%(doc)s") % {"doc": labels[k]} for k in data["changes"] if k in long_texts]
        return _("%(who)s 修改了评估活动设置：%(what)s") % {"who": e.who, "what": _("；").join(p for p in parts if p)}
    if "deadlines" in data:  # written before DEADLINES_SET existed
        return _deadlines(e)
    if "team" in data:  # written before TEAM_SAVED existed
        return _team(e)
    return _("%(who)s 修改了评估活动设置") % {"who": e.who}


def event_deadlines_set(*, campaign: Campaign, actor: User, changes: dict) -> CampaignEvent:
    return _record(campaign=campaign, type=T.DEADLINES_SET, actor=actor, deadlines=changes)


@describes(T.DEADLINES_SET)
def _deadlines(e: CampaignEvent) -> str:
    changes = {_stage(step): change for step, change in e.data.get("deadlines", {}).items()}
    return _("%(who)s 修改了截止日期：%(what)s") % {"who": e.who, "what": _fields(changes)}


def event_team_saved(*, campaign: Campaign, actor: User, before: dict | None, after: dict) -> CampaignEvent:
    return _record(campaign=campaign, type=T.TEAM_SAVED, actor=actor, team={"from": before, "to": after})


@describes(T.TEAM_SAVED)
def _team(e: CampaignEvent) -> str:
    team = e.data.get("team", {})
    after = team.get("to") or {}
    values = {"who": e.who, "name": after.get("name", ""), "members": _plain(after.get("members")),
              "n": len(after.get("units") or [])}
    if team.get("from") is None:
        return _("%(who)s 建立了评估组“%(name)s”：成员 %(members)s，负责单位 %(n)d 个") % values
    return _("%(who)s 调整了评估组“%(name)s”：成员 %(members)s，负责单位 %(n)d 个") % values


def event_campaign_advanced(*, campaign: Campaign, actor: User, from_status: str, to_status: str) -> CampaignEvent:
    return _record(campaign=campaign, type=T.STATUS_CHANGED, actor=actor, **{"from": from_status, "to": to_status})


@describes(T.STATUS_CHANGED)
def _advanced(e: CampaignEvent) -> str:
    return _("%(who)s 将评估阶段由 %(from)s 改为 %(to)s") % {
        "who": e.who, "from": _stage(e.data.get("from")), "to": _stage(e.data.get("to"))}


# ---------------------------------------------------------------------------------------------------------
# A unit's package: progress, notice, self-assessment, files, field visit, report
# ---------------------------------------------------------------------------------------------------------
def event_target_moved(
    *, target: CampaignTarget, actor: User | None, from_status: str, to_status: str, **data: Any
) -> CampaignEvent:
    return _record(campaign=target.campaign, target=target, type=T.TARGET_STATUS_CHANGED, actor=actor,
                   **{"from": from_status, "to": to_status, **data})


@describes(T.TARGET_STATUS_CHANGED)
def _moved(e: CampaignEvent) -> str:
    sentence = _("%(who)s 将 %(unit)s 的进度由 %(from)s 改为 %(to)s") % {
        "who": e.who, "unit": _unit(e), "from": _package(e.data.get("from")), "to": _package(e.data.get("to"))}
    if e.data.get("reason"):
        sentence += _("（原因：%(reason)s）") % {"reason": e.data["reason"]}
    return sentence


def event_notice_seen(*, target: CampaignTarget, actor: User) -> CampaignEvent:
    return _record(campaign=target.campaign, target=target, type=T.NOTICE_SEEN, actor=actor)


@describes(T.NOTICE_SEEN)
def _notice_seen(e: CampaignEvent) -> str:
    return _("%(who)s 查阅了评估通知") % {"who": e.who}


def event_self_saved(*, target: CampaignTarget, actor: User, version: int, changes: dict) -> CampaignEvent:
    return _record(campaign=target.campaign, target=target, type=T.SELF_SAVED, actor=actor, version=version,
                   changes=changes)


@describes(T.SELF_SAVED)
def _self_saved(e: CampaignEvent) -> str:
    return _("%(who)s 保存了自评（第 %(v)s 版），改动 %(n)d 项指标：%(codes)s") % {
        "who": e.who, "v": e.data.get("version", 1), "n": len(e.data.get("changes", {})),
        "codes": _("、").join(e.data.get("changes", {}))}


def event_self_moved(
    *, target: CampaignTarget, actor: User, type: str, version: int, from_status: str, to_status: str, **data: Any
) -> CampaignEvent:
    """A self-assessment submitted, returned (with `reason`) or accepted."""
    if type not in {T.SELF_SUBMITTED, T.SELF_RETURNED, T.SELF_ACCEPTED}:
        raise ValueError(type)
    return _record(campaign=target.campaign, target=target, type=type, actor=actor, version=version,
                   **{"from": from_status, "to": to_status, **data})


def event_self_submitted(*, target: CampaignTarget, actor: User, version: int, from_status: str, to_status: str):
    return event_self_moved(target=target, actor=actor, type=T.SELF_SUBMITTED, version=version,
                            from_status=from_status, to_status=to_status)


def event_self_returned(*, target: CampaignTarget, actor: User, version: int, from_status: str, to_status: str,
                        reason: str):
    return event_self_moved(target=target, actor=actor, type=T.SELF_RETURNED, version=version,
                            from_status=from_status, to_status=to_status, reason=reason)


def event_self_accepted(*, target: CampaignTarget, actor: User, version: int, from_status: str, to_status: str):
    return event_self_moved(target=target, actor=actor, type=T.SELF_ACCEPTED, version=version,
                            from_status=from_status, to_status=to_status)


@describes(T.SELF_SUBMITTED, T.SELF_RETURNED, T.SELF_ACCEPTED)
def _self_moved(e: CampaignEvent) -> str:
    values = {"who": e.who, "unit": _unit(e), "v": e.data.get("version", 1), "reason": e.data.get("reason", "")}
    if e.type == T.SELF_SUBMITTED:
        return _("%(who)s 提交了 %(unit)s 的自评（第 %(v)s 版）") % values
    if e.type == T.SELF_RETURNED:
        return _("%(who)s 退回了 %(unit)s 的自评（第 %(v)s 版），原因：%(reason)s") % values
    return _("%(who)s 通过了 %(unit)s 的自评（第 %(v)s 版）") % values


def event_file_uploaded(*, upload: Upload, actor: User, replaces: Upload | None) -> CampaignEvent:
    target = upload.target
    return _record(
        campaign=target.campaign, target=target, type=T.FILE_UPLOADED, actor=actor, purpose=upload.purpose,
        indicator=upload.indicator_code, question=upload.question_code, name=upload.original_name,
        sha256=upload.sha256, version=upload.version, replaces=replaces.pk if replaces else None,
    )


@describes(T.FILE_UPLOADED)
def _uploaded(e: CampaignEvent) -> str:
    values = {"who": e.who, "purpose": _label(Upload.Purpose, e.data.get("purpose")), "name": e.data.get("name", ""),
              "v": e.data.get("version", 1)}
    if e.data.get("replaces"):
        return _("%(who)s 上传了%(purpose)s“%(name)s”的新版本（第 %(v)s 版）") % values
    return _("%(who)s 上传了%(purpose)s“%(name)s”") % values


VISIT_FIELD_LABELS = {
    "visit_date": gettext_lazy("评估日期"), "people_met": gettext_lazy("座谈对象"), "listen_notes": gettext_lazy("汇报要点"),
    "signs_match": gettext_lazy("门牌与内设机构一致"), "posts_match": gettext_lazy("在用领导职数与核定一致"), "people_in_place": gettext_lazy("人员在岗"),
    "look_notes": gettext_lazy("现场情况"), "ballots_handed_out": gettext_lazy("发放测评票数"), "ballots_returned": gettext_lazy("收回测评票数"),
    "judgement": gettext_lazy("综合评价"), "interview": gettext_lazy("访谈记录"),
}


def event_visit_saved(*, target: CampaignTarget, actor: User, changes: dict) -> CampaignEvent:
    return _record(campaign=target.campaign, target=target, type=T.VISIT_SAVED, actor=actor, changes=changes)


@describes(T.VISIT_SAVED)
def _visit_saved(e: CampaignEvent) -> str:
    changes = e.data.get("changes", {})
    names = [str(VISIT_FIELD_LABELS.get(k, "")) or (_("核查 %(c)s") % {"c": k.split(":", 1)[-1]}) for k in changes]
    return _("%(who)s 保存了 %(unit)s 的实地评估记录：%(what)s") % {"who": e.who, "unit": _unit(e), "what": _("、").join(names)}


def event_visit_completed(*, target: CampaignTarget, actor: User, problems: int) -> CampaignEvent:
    return _record(campaign=target.campaign, target=target, type=T.VISIT_COMPLETED, actor=actor,
                   problems=problems, **{"from": "draft", "to": "completed"})


@describes(T.VISIT_COMPLETED)
def _visit_completed(e: CampaignEvent) -> str:
    return _("%(who)s 完成了 %(unit)s 的实地评估，列入问题清单 %(n)s 项") % {
        "who": e.who, "unit": _unit(e), "n": e.data.get("problems", 0)}


def event_report_requested(*, target: CampaignTarget, actor: User, report_id: int) -> CampaignEvent:
    return _record(campaign=target.campaign, target=target, type=T.REPORT_REQUESTED, actor=actor, report=report_id)


@describes(T.REPORT_REQUESTED)
def _report_requested(e: CampaignEvent) -> str:
    return _("%(who)s 申请生成 %(unit)s 的评估报告") % {"who": e.who, "unit": _unit(e)}


# ---------------------------------------------------------------------------------------------------------
# Forms (the surveys app passes each form as its kind and label)
# ---------------------------------------------------------------------------------------------------------
def _form(form) -> dict:
    return {"form": form.kind, "form_label": str(form.get_kind_display())}


def _form_name(e: CampaignEvent) -> str:
    return e.data.get("form_label") or str(e.data.get("form", ""))


def event_form_created(*, form, actor: User | None) -> CampaignEvent:
    return _record(campaign=form.campaign, type=T.FORM_CREATED, actor=actor, opens_at=form.opens_at,
                   closes_at=form.closes_at, **_form(form))


@describes(T.FORM_CREATED)
def _form_created(e: CampaignEvent) -> str:
    return _("%(who)s 新建了表册“%(form)s”") % {"who": e.who, "form": _form_name(e)}


def _when(value) -> str:
    return str(value)[:16].replace("T", " ") if value else _("不限")


def event_form_scheduled(*, form, actor: User, before: dict, after: dict) -> CampaignEvent:
    return _record(campaign=form.campaign, type=T.FORM_SCHEDULED, actor=actor, before=before, after=after, **_form(form))


@describes(T.FORM_SCHEDULED)
def _form_scheduled(e: CampaignEvent) -> str:
    before, after = e.data.get("before", {}), e.data.get("after", {})
    return _("%(who)s 将表册“%(form)s”的填报时间由 %(b1)s 至 %(b2)s 改为 %(a1)s 至 %(a2)s") % {
        "who": e.who, "form": _form_name(e), "b1": _when(before.get("opens_at")), "b2": _when(before.get("closes_at")),
        "a1": _when(after.get("opens_at")), "a2": _when(after.get("closes_at"))}


def event_question_added(*, form, actor: User, code: str, type: str, text: str) -> CampaignEvent:
    return _record(campaign=form.campaign, type=T.QUESTION_ADDED, actor=actor, question=code, question_type=type,
                   text=text, **_form(form))


def event_question_changed(*, form, actor: User, code: str, before: dict, after: dict, text: str = "") -> CampaignEvent:
    return _record(campaign=form.campaign, type=T.QUESTION_CHANGED, actor=actor, question=code, before=before,
                   after=after, question_text=text, **_form(form))


def event_question_removed(*, form, actor: User, code: str, text: str) -> CampaignEvent:
    return _record(campaign=form.campaign, type=T.QUESTION_REMOVED, actor=actor, question=code, text=text, **_form(form))


# What a question's changed fields are called (the audit page names them, never the field's code).
QUESTION_FIELD_LABELS = {"text": gettext_lazy("题目"), "required": gettext_lazy("是否必答"), "choices": gettext_lazy("选项")}


@describes(T.QUESTION_ADDED, T.QUESTION_CHANGED, T.QUESTION_REMOVED)
def _question(e: CampaignEvent) -> str:
    # the question's wording, never its code (q3, duties): an official reads this page
    text = e.data.get("text") or e.data.get("question_text", "")
    values = {"who": e.who, "form": _form_name(e), "text": text}
    if e.type == T.QUESTION_ADDED:
        return _("%(who)s 在表册“%(form)s”中添加了题目“%(text)s”") % values
    if e.type == T.QUESTION_REMOVED:
        return _("%(who)s 从表册“%(form)s”中删除了题目“%(text)s”") % values
    values["what"] = _("、").join(str(QUESTION_FIELD_LABELS.get(f, f)) for f in e.data.get("after", {}))
    if not text:
        return _("%(who)s 修改了表册“%(form)s”的一道题目（%(what)s）") % values
    return _("%(who)s 修改了表册“%(form)s”的题目“%(text)s”（%(what)s）") % values


def event_form_edited(*, form, actor: User, added: int, changed: int, removed: int, how: str) -> CampaignEvent:
    """The form's questions saved at once (the editor, an xlsx import, a template): how many of each."""
    return _record(campaign=form.campaign, type=T.FORM_EDITED, actor=actor, added=added, changed=changed,
                   removed=removed, how=how, **_form(form))


@describes(T.FORM_EDITED)
def _form_edited(e: CampaignEvent) -> str:
    return _("%(who)s %(how)s修改了表册“%(form)s”的题目：新增 %(a)s 道，修改 %(c)s 道，删除 %(r)s 道") % {
        "who": e.who, "how": e.data.get("how", ""), "form": _form_name(e), "a": e.data.get("added", 0),
        "c": e.data.get("changed", 0), "r": e.data.get("removed", 0)}


def event_form_template_saved(*, form, actor: User, name: str) -> CampaignEvent:
    return _record(campaign=form.campaign, type=T.FORM_TEMPLATE_SAVED, actor=actor, name=name, **_form(form))


@describes(T.FORM_TEMPLATE_SAVED)
def _form_template_saved(e: CampaignEvent) -> str:
    return _("%(who)s 将表册“%(form)s”的题目保存为模板“%(name)s”") % {
        "who": e.who, "form": _form_name(e), "name": e.data.get("name", "")}


SHEET_SETTING_LABELS = {"combine": gettext_lazy("合成方式"), "spread_limit": gettext_lazy("分差提示阈值"), "lead": gettext_lazy("评估组长")}


def event_sheet_settings_changed(*, form, actor: User, before: dict, after: dict) -> CampaignEvent:
    return _record(campaign=form.campaign, type=T.SHEET_SETTINGS_CHANGED, actor=actor, before=before, after=after,
                   **_form(form))


@describes(T.SHEET_SETTINGS_CHANGED)
def _sheet_settings(e: CampaignEvent) -> str:
    before, after = e.data.get("before", {}), e.data.get("after", {})
    changes = {str(SHEET_SETTING_LABELS.get(k, k)): {"from": before.get(k), "to": after.get(k)}
               for k in after if str(before.get(k)) != str(after.get(k))}
    return _("%(who)s 修改了评估表设置：%(what)s") % {"who": e.who, "what": _fields(changes) or _("无变化")}


def event_links_issued(*, form, actor: User | None, links: int) -> CampaignEvent:
    return _record(campaign=form.campaign, type=T.LINKS_ISSUED, actor=actor, links=links, **_form(form))


def event_sample_targets_set(*, form, actor: User, before: dict, after: dict) -> CampaignEvent:
    """before/after: {"default": n or None, "units": {unit name: n}} (names, so the trail reads without lookups)."""
    return _record(campaign=form.campaign, type=T.SAMPLE_TARGETS_SET, actor=actor, before=before, after=after, **_form(form))


@describes(T.SAMPLE_TARGETS_SET)
def _sample_targets(e: CampaignEvent) -> str:
    before, after = e.data.get("before", {}), e.data.get("after", {})
    changes = {}
    if before.get("default") != after.get("default"):
        changes[_("每个单位的目标样本量")] = {"from": before.get("default") or _("最少样本数"),
                                      "to": after.get("default") or _("最少样本数")}
    units_before, units_after = before.get("units", {}), after.get("units", {})
    for name in sorted(set(units_before) | set(units_after)):
        if units_before.get(name) != units_after.get(name):
            changes[name] = {"from": units_before.get(name) or _("同表册"), "to": units_after.get(name) or _("同表册")}
    return _("%(who)s 设置了表册“%(form)s”的目标样本量：%(what)s") % {
        "who": e.who, "form": _form_name(e), "what": _fields(changes) or _("无变化")}


@describes(T.LINKS_ISSUED)
def _links(e: CampaignEvent) -> str:
    return _("%(who)s 为表册“%(form)s”发放了 %(n)s 个公开链接") % {"who": e.who, "form": _form_name(e), "n": e.data.get("links", 0)}


def event_ballots_issued(*, form, target: CampaignTarget, actor: User, ballots: int, issued: int) -> CampaignEvent:
    return _record(campaign=target.campaign, target=target, type=T.BALLOTS_ISSUED, actor=actor, ballots=ballots,
                   issued=issued, **_form(form))


@describes(T.BALLOTS_ISSUED)
def _ballots(e: CampaignEvent) -> str:
    return _("%(who)s 为 %(unit)s 发放了“%(form)s”测评票 %(n)s 张（累计 %(total)s 张）") % {
        "who": e.who, "unit": _unit(e), "form": _form_name(e), "n": e.data.get("ballots", 0),
        "total": e.data.get("issued", 0)}


def event_response_voided(*, form, target: CampaignTarget, actor: User, response: str, reason: str) -> CampaignEvent:
    return _record(campaign=target.campaign, target=target, type=T.RESPONSE_VOIDED, actor=actor, response=response,
                   reason=reason, **_form(form))


@describes(T.RESPONSE_VOIDED)
def _voided(e: CampaignEvent) -> str:
    return _("%(who)s 作废了 %(unit)s 的一份“%(form)s”答卷，原因：%(reason)s") % {
        "who": e.who, "unit": _unit(e), "form": _form_name(e), "reason": e.data.get("reason", "")}


def event_sheet_saved(*, form, target: CampaignTarget, actor: User, indicators: list[str]) -> CampaignEvent:
    return _record(campaign=target.campaign, target=target, type=T.SHEET_SAVED, actor=actor, indicators=indicators,
                   **_form(form))


@describes(T.SHEET_SAVED)
def _sheet_saved(e: CampaignEvent) -> str:
    return _("%(who)s 保存了 %(unit)s 的评估表评分（%(n)d 项指标）") % {
        "who": e.who, "unit": _unit(e), "n": len(e.data.get("indicators", []))}


def event_sheet_signed(*, form, target: CampaignTarget, actor: User, method: str, method_label: str) -> CampaignEvent:
    return _record(campaign=target.campaign, target=target, type=T.SHEET_SIGNED, actor=actor, method=method,
                   method_label=method_label, **_form(form))


@describes(T.SHEET_SIGNED)
def _sheet_signed(e: CampaignEvent) -> str:
    return _("%(who)s 签署了 %(unit)s 的评估表（合成方式：%(method)s）") % {
        "who": e.who, "unit": _unit(e), "method": e.data.get("method_label") or e.data.get("method", "")}


def event_export_requested(*, form, actor: User, format: str) -> CampaignEvent:
    return _record(campaign=form.campaign, type=T.EXPORT_REQUESTED, actor=actor, format=format, **_form(form))


@describes(T.EXPORT_REQUESTED)
def _export(e: CampaignEvent) -> str:
    return _("%(who)s 申请导出表册“%(form)s”的答卷（%(format)s）") % {
        "who": e.who, "form": _form_name(e), "format": str(e.data.get("format", "")).upper()}


# ---------------------------------------------------------------------------------------------------------
# The indicator tree and its AHP weights (a template belongs to no campaign: its history is its rows)
# ---------------------------------------------------------------------------------------------------------
def _tree_event(campaign: Campaign | None, type: str, actor: User | None, **data: Any) -> CampaignEvent | None:
    if campaign is None:
        return None
    return _record(campaign=campaign, type=type, actor=actor, **data)


def event_tree_copied(*, campaign: Campaign | None, actor: User, template: str):
    return _tree_event(campaign, T.TREE_COPIED, actor, template=template)


def event_tree_saved_as_template(*, campaign: Campaign | None, actor: User, template: str):
    return _tree_event(campaign, T.TREE_SAVED_AS_TEMPLATE, actor, template=template)


@describes(T.TREE_COPIED, T.TREE_SAVED_AS_TEMPLATE)
def _tree_copy(e: CampaignEvent) -> str:
    if e.type == T.TREE_COPIED:
        return _("%(who)s 从模板“%(t)s”复制了本评估活动的指标体系") % {"who": e.who, "t": e.data.get("template", "")}
    return _("%(who)s 将本评估活动的指标体系另存为模板“%(t)s”") % {"who": e.who, "t": e.data.get("template", "")}


def event_dimension_added(*, campaign: Campaign | None, actor: User, code: str, name: str):
    return _tree_event(campaign, T.DIMENSION_ADDED, actor, code=code, name=name)


def event_dimension_renamed(*, campaign: Campaign | None, actor: User, code: str, before: str, after: str):
    return _tree_event(campaign, T.DIMENSION_RENAMED, actor, code=code, before=before, after=after)


def event_dimension_removed(*, campaign: Campaign | None, actor: User, code: str, name: str, indicators: list[str]):
    return _tree_event(campaign, T.DIMENSION_REMOVED, actor, code=code, name=name, indicators=indicators)


def event_indicator_added(*, campaign: Campaign | None, actor: User, code: str, dimension: str, name: str):
    return _tree_event(campaign, T.INDICATOR_ADDED, actor, code=code, dimension=dimension, name=name)


def event_indicator_changed(*, campaign: Campaign | None, actor: User, code: str, before: dict, after: dict):
    return _tree_event(campaign, T.INDICATOR_CHANGED, actor, code=code, before=before, after=after)


def event_indicator_removed(*, campaign: Campaign | None, actor: User, code: str, name: str):
    return _tree_event(campaign, T.INDICATOR_REMOVED, actor, code=code, name=name)


# What an indicator's changed fields are called on the audit page (never the field's own name).
INDICATOR_FIELD_LABELS = {
    "name": gettext_lazy("名称"), "guideline": gettext_lazy("评分标准"), "kind": gettext_lazy("指标类型"),
    "source": gettext_lazy("数据来源"), "direction": gettext_lazy("方向"), "full_marks": gettext_lazy("满分"),
    "rule": gettext_lazy("计分规则"), "params": gettext_lazy("规则参数"), "dimension": gettext_lazy("所属维度"),
    "exempt_reason": gettext_lazy("不计入覆盖率的理由"), "position": gettext_lazy("序号"),
}


@describes(T.DIMENSION_ADDED, T.DIMENSION_RENAMED, T.DIMENSION_REMOVED, T.INDICATOR_ADDED, T.INDICATOR_CHANGED,
           T.INDICATOR_REMOVED)
def _tree_edit(e: CampaignEvent) -> str:
    # names, not codes (D3, D3_01): an official reads the audit trail
    d = e.data
    # a rename keeps the names themselves in before/after; an indicator's change, dicts of its fields
    before, after = (v if isinstance(v, dict) else {} for v in (d.get("before"), d.get("after")))
    name = d.get("name") or after.get("name") or before.get("name") or d.get("code", "")
    values = {"who": e.who, "name": name, "before": _plain(d.get("before")), "after": _plain(d.get("after")),
              "n": len(d.get("indicators", []))}
    if e.type == T.DIMENSION_ADDED:
        return _("%(who)s 添加了维度“%(name)s”") % values
    if e.type == T.DIMENSION_RENAMED:
        return _("%(who)s 将维度由“%(before)s”改名为“%(after)s”") % values
    if e.type == T.DIMENSION_REMOVED:
        return _("%(who)s 删除了维度“%(name)s”及其 %(n)d 项指标") % values
    if e.type == T.INDICATOR_ADDED:
        return _("%(who)s 添加了指标“%(name)s”") % values
    if e.type == T.INDICATOR_REMOVED:
        return _("%(who)s 删除了指标“%(name)s”") % values
    changes = {k: {"from": before.get(k), "to": v} for k, v in after.items()}
    return _("%(who)s 修改了指标“%(name)s”：%(what)s") % {"who": e.who, "name": name,
                                                       "what": _fields(changes, INDICATOR_FIELD_LABELS)}


def event_expert_invited(*, campaign: Campaign | None, actor: User, expert_id: int, name: str):
    return _tree_event(campaign, T.EXPERT_INVITED, actor, expert=expert_id, name=name)


def event_expert_changed(*, campaign: Campaign | None, actor: User, expert_id: int, name: str, before: dict, after: dict):
    return _tree_event(campaign, T.EXPERT_CHANGED, actor, expert=expert_id, name=name, before=before, after=after)


def event_judgement_saved(*, campaign: Campaign | None, expert_id: int, expert_name: str, node: str, cr: float,
                          node_name: str = ""):
    """Saved by the expert through their personal link: no account, so the expert's name says who; the
    dimension is recorded by name too (the audit page names it, never its code)."""
    return _tree_event(campaign, T.JUDGEMENT_SAVED, None, expert=expert_id, expert_name=expert_name, node=node,
                       node_name=node_name, cr=cr)


@describes(T.EXPERT_INVITED, T.EXPERT_CHANGED, T.JUDGEMENT_SAVED)
def _experts(e: CampaignEvent) -> str:
    d = e.data
    if e.type == T.EXPERT_INVITED:
        return _("%(who)s 邀请了专家 %(name)s") % {"who": e.who, "name": d.get("name", "")}
    if e.type == T.EXPERT_CHANGED:
        after = d.get("after") or {}
        if after.get("excluded"):
            return _("%(who)s 将专家 %(name)s 排除出集结，理由：%(reason)s") % {
                "who": e.who, "name": d.get("name", ""), "reason": after.get("reason", "")}
        return _("%(who)s 将专家 %(name)s 的权重设为 %(w)s") % {"who": e.who, "name": d.get("name", ""),
                                                           "w": after.get("weight", "")}
    node = d.get("node", "")
    matrix = (_("各维度之间") if node == "root"
              else _("维度“%(name)s”的各指标之间") % {"name": d.get("node_name") or node})
    return _("%(who)s 保存了%(matrix)s的判断（CR = %(cr)s）") % {"who": e.who, "matrix": matrix, "cr": d.get("cr", "")}


def event_weights_frozen(
    *, campaign: Campaign | None, actor: User, method: str, ri_table: str, experts: list[str], excluded: list,
    global_weights: dict, priority_method: str = "", inconsistent: list | None = None, override_reason: str = "",
):
    return _tree_event(campaign, T.WEIGHTS_FROZEN, actor, method=method, ri_table=ri_table, experts=experts,
                       excluded=excluded, global_weights=global_weights, priority_method=priority_method,
                       inconsistent=inconsistent or [], override_reason=override_reason)


@describes(T.WEIGHTS_FROZEN)
def _frozen(e: CampaignEvent) -> str:
    sentence = _("%(who)s 冻结了指标权重（集结方法 %(method)s，专家 %(experts)s）") % {
        "who": e.who, "method": e.data.get("method", ""), "experts": _plain(e.data.get("experts"))}
    if e.data.get("override_reason"):
        sentence += _("；一致性未达标，理由：%(reason)s") % {"reason": e.data["override_reason"]}
    return sentence


def event_scoring_settings_changed(*, campaign: Campaign | None, actor: User, before: dict, after: dict):
    return _tree_event(campaign, T.SCORING_SETTINGS_CHANGED, actor, before=before, after=after)


@describes(T.SCORING_SETTINGS_CHANGED)
def _scoring_settings(e: CampaignEvent) -> str:
    return _("%(who)s 修改了评分设置：%(changes)s") % {"who": e.who, "changes": _plain(
        [f"{k} {e.data['before'].get(k)} → {v}" for k, v in e.data.get("after", {}).items()])}


def event_results_stored(*, campaign: Campaign, actor: User | None, units: int):
    return _record(campaign=campaign, type=T.RESULTS_STORED, actor=actor, units=units)


@describes(T.RESULTS_STORED)
def _results_stored(e: CampaignEvent) -> str:
    return _("%(who)s 保存了 %(n)s 个单位的评估结果（第 1 版）") % {"who": e.who, "n": e.data.get("units", 0)}


def event_result_revised(*, target: CampaignTarget, actor: User, version: int, changes: dict, reason: str,
                         total: str, grade: str):
    return _record(campaign=target.campaign, target=target, type=T.RESULT_REVISED, actor=actor, version=version,
                   changes=changes, reason=reason, total=total, grade=grade)


@describes(T.RESULT_REVISED)
def _result_revised(e: CampaignEvent) -> str:
    return _("%(who)s 将评估结果调整为第 %(v)s 版（总分 %(total)s），理由：%(reason)s") % {
        "who": e.who, "v": e.data.get("version"), "total": e.data.get("total"), "reason": e.data.get("reason", "")}


# ---------------------------------------------------------------------------------------------------------
# The after stage: feedback, 复核 (appeals), final lock, 整改 (reports.followup passes plain values)
# ---------------------------------------------------------------------------------------------------------
def event_results_fed_back(*, campaign: Campaign, actor: User, units: list[str], on: str):
    return _record(campaign=campaign, type=T.RESULTS_FED_BACK, actor=actor, units=units, on=on)


def event_followup_settings_changed(*, campaign: Campaign, actor: User, before: dict, after: dict):
    return _record(campaign=campaign, type=T.FOLLOWUP_SETTINGS_CHANGED, actor=actor, before=before, after=after)


def event_appeal_windows_opened(*, campaign: Campaign, actor: User | None, units: int, days: int):
    return _record(campaign=campaign, type=T.APPEAL_WINDOWS_OPENED, actor=actor, units=units, days=days)


def event_appeal_submitted(*, target: CampaignTarget, actor: User, indicators: list[str], names: list[str] = ()):
    return _record(campaign=target.campaign, target=target, type=T.APPEAL_SUBMITTED, actor=actor, indicators=indicators,
                   names=list(names))


def event_appeal_assigned(*, target: CampaignTarget, actor: User, reviewer: str):
    return _record(campaign=target.campaign, target=target, type=T.APPEAL_ASSIGNED, actor=actor, reviewer=reviewer)


def event_appeal_item_decided(*, target: CampaignTarget, actor: User, indicator: str, decision: str,
                              before: float | None, after: float | None, reason: str, indicator_name: str = ""):
    return _record(campaign=target.campaign, target=target, type=T.APPEAL_ITEM_DECIDED, actor=actor,
                   indicator=indicator, indicator_name=indicator_name, decision=decision, before=before, after=after,
                   reason=reason)


def event_result_finalized(*, target: CampaignTarget, actor: User, version: int):
    return _record(campaign=target.campaign, target=target, type=T.RESULT_FINALIZED, actor=actor, version=version)


def event_rectification_created(*, campaign: Campaign, actor: User | None, units: list[str], count: int):
    return _record(campaign=campaign, type=T.RECTIFICATION_CREATED, actor=actor, units=units, count=count)


def event_rectification_reported(*, target: CampaignTarget, actor: User, item: str):
    return _record(campaign=target.campaign, target=target, type=T.RECTIFICATION_REPORTED, actor=actor, item=item)


def event_rectification_verified(*, target: CampaignTarget, actor: User, item: str, accepted: bool, reason: str):
    return _record(campaign=target.campaign, target=target, type=T.RECTIFICATION_VERIFIED, actor=actor, item=item,
                   accepted=accepted, reason=reason)


def event_rectification_carried(*, campaign: Campaign, actor: User | None, count: int, source: str):
    return _record(campaign=campaign, type=T.RECTIFICATION_CARRIED, actor=actor, count=count, source=source)


def event_followup_reminded(*, campaign: Campaign, actor: User, units: list[str]):
    return _record(campaign=campaign, type=T.FOLLOWUP_REMINDED, actor=actor, units=units)


@describes(T.RESULTS_FED_BACK, T.FOLLOWUP_SETTINGS_CHANGED, T.APPEAL_WINDOWS_OPENED, T.RECTIFICATION_CREATED,
           T.RECTIFICATION_CARRIED, T.FOLLOWUP_REMINDED)
def _followup_campaign(e: CampaignEvent) -> str:
    d = e.data
    if e.type == T.RESULTS_FED_BACK:
        return _("%(who)s 于 %(on)s 向 %(n)s 个单位反馈了评估结果：%(units)s") % {
            "who": e.who, "on": d.get("on", ""), "n": len(d.get("units", [])), "units": _plain(d.get("units"))}
    if e.type == T.FOLLOWUP_SETTINGS_CHANGED:
        return _("%(who)s 修改了复核与整改设置：%(changes)s") % {"who": e.who, "changes": _plain(
            [f"{FOLLOWUP_SETTING_LABELS.get(k, k)} {d.get('before', {}).get(k)} → {v}" for k, v in d.get("after", {}).items()])}
    if e.type == T.APPEAL_WINDOWS_OPENED:
        return _("%(who)s 开放了 %(n)s 个单位的复核申请（%(days)s 个工作日）") % {
            "who": e.who or _("系统"), "n": d.get("units", 0), "days": d.get("days", "")}
    if e.type == T.RECTIFICATION_CREATED:
        return _("%(who)s 新建了 %(n)s 项整改事项（%(units)s）") % {
            "who": e.who, "n": d.get("count", 0), "units": _plain(d.get("units"))}
    if e.type == T.RECTIFICATION_CARRIED:
        return _("%(who)s 将 %(source)s 未办结的 %(n)s 项整改事项结转到本次评估") % {
            "who": e.who or _("系统"), "n": d.get("count", 0), "source": d.get("source", "")}
    return _("%(who)s 向落后单位的填报员发送了催办通知：%(units)s") % {"who": e.who, "units": _plain(d.get("units"))}


_DECISIONS = {"upheld": gettext_lazy("维持"), "adjusted": gettext_lazy("调整")}
# What the follow-up settings are called (reports.followup.models.FollowupSettings' fields): never their codes.
FOLLOWUP_SETTING_LABELS = {"appeal_days": gettext_lazy("复核申请期限（工作日）"),
                           "rectify_below": gettext_lazy("整改阈值（得分率 %）"),
                           "rectify_days": gettext_lazy("整改期限（自然日）")}


@describes(T.APPEAL_SUBMITTED, T.APPEAL_ASSIGNED, T.APPEAL_ITEM_DECIDED, T.RESULT_FINALIZED,
           T.RECTIFICATION_REPORTED, T.RECTIFICATION_VERIFIED)
def _followup_unit(e: CampaignEvent) -> str:
    d, unit = e.data, _unit(e)
    if e.type == T.APPEAL_SUBMITTED:
        return _("%(who)s 为 %(unit)s 提出复核申请，对 %(n)s 项指标有异议：%(codes)s") % {
            "who": e.who, "unit": unit, "n": len(d.get("indicators", [])),
            "codes": _plain(d.get("names") or d.get("indicators"))}
    if e.type == T.APPEAL_ASSIGNED:
        return _("%(who)s 指定 %(reviewer)s 复核 %(unit)s 的申请") % {"who": e.who, "reviewer": d.get("reviewer", ""),
                                                                  "unit": unit}
    if e.type == T.APPEAL_ITEM_DECIDED:
        sentence = _("%(who)s 对 %(unit)s 的指标 %(code)s 作出复核决定：%(decision)s") % {
            "who": e.who, "unit": unit, "code": d.get("indicator_name") or d.get("indicator", ""),
            "decision": str(_DECISIONS.get(d.get("decision"), d.get("decision", "")))}
        if d.get("decision") == "adjusted":
            sentence += _("（%(before)s → %(after)s）") % {"before": _plain(d.get("before")), "after": _plain(d.get("after"))}
        return sentence + _("，理由：%(reason)s") % {"reason": d.get("reason", "")}
    if e.type == T.RESULT_FINALIZED:
        return _("%(who)s 将 %(unit)s 的评估结果（第 %(v)s 版）确定为最终结果") % {"who": e.who, "unit": unit,
                                                                        "v": d.get("version", "")}
    if e.type == T.RECTIFICATION_REPORTED:
        return _("%(who)s 报告了 %(unit)s 整改事项“%(item)s”的进展") % {"who": e.who, "unit": unit, "item": d.get("item", "")}
    if d.get("accepted"):
        return _("%(who)s 核实通过了 %(unit)s 的整改事项“%(item)s”") % {"who": e.who, "unit": unit, "item": d.get("item", "")}
    return _("%(who)s 退回了 %(unit)s 的整改事项“%(item)s”，理由：%(reason)s") % {
        "who": e.who, "unit": unit, "item": d.get("item", ""), "reason": d.get("reason", "")}
# The written reports (reports app) and the campaign's summary
# ---------------------------------------------------------------------------------------------------------
def event_report_saved(*, target: CampaignTarget, actor: User, version: int, sections: list[str]) -> CampaignEvent:
    return _record(campaign=target.campaign, target=target, type=T.REPORT_SAVED, actor=actor, version=version,
                   sections=sections)


@describes(T.REPORT_SAVED)
def _report_saved(e: CampaignEvent) -> str:
    return _("%(who)s 修改了 %(unit)s 评估报告第 %(v)s 版的%(sections)s") % {
        "who": e.who, "unit": _unit(e), "v": e.data.get("version"), "sections": "、".join(e.data.get("sections", []))}


def event_report_signed(*, target: CampaignTarget, actor: User, version: int, total: str | None, grade: str) -> CampaignEvent:
    return _record(campaign=target.campaign, target=target, type=T.REPORT_SIGNED, actor=actor, version=version,
                   total=total, grade=grade)


@describes(T.REPORT_SIGNED)
def _report_signed(e: CampaignEvent) -> str:
    return _("%(who)s 签署了 %(unit)s 评估报告第 %(v)s 版（得分 %(total)s，%(grade)s）") % {
        "who": e.who, "unit": _unit(e), "v": e.data.get("version"), "total": e.data.get("total") or "—",
        "grade": e.data.get("grade", "")}


def event_report_redrafted(*, target: CampaignTarget, actor: User | None, version: int, result_version: int) -> CampaignEvent:
    return _record(campaign=target.campaign, target=target, type=T.REPORT_REDRAFTED, actor=actor, version=version,
                   result_version=result_version)


@describes(T.REPORT_REDRAFTED)
def _report_redrafted(e: CampaignEvent) -> str:
    return _("%(who)s 调整评估结果后，%(unit)s 的评估报告生成第 %(v)s 版（依据评估结果第 %(r)s 版），待重新签署") % {
        "who": e.who, "unit": _unit(e), "v": e.data.get("version"), "r": e.data.get("result_version")}


def event_summary_saved(*, campaign: Campaign, actor: User) -> CampaignEvent:
    return _record(campaign=campaign, type=T.SUMMARY_SAVED, actor=actor)


@describes(T.SUMMARY_SAVED)
def _summary_saved(e: CampaignEvent) -> str:
    return _("%(who)s 修改了总结报告的工作建议") % {"who": e.who}


def event_summary_requested(*, campaign: Campaign, actor: User) -> CampaignEvent:
    return _record(campaign=campaign, type=T.SUMMARY_REQUESTED, actor=actor)


@describes(T.SUMMARY_REQUESTED)
def _summary_requested(e: CampaignEvent) -> str:
    return _("%(who)s 申请生成总结报告") % {"who": e.who}


# ---------------------------------------------------------------------------------------------------------
# Types written before the typed events: old rows still say themselves
# ---------------------------------------------------------------------------------------------------------
@describes(T.FORM_ISSUED, T.FORM_CHANGED, T.INDICATOR_TREE_CHANGED, T.AHP_JUDGEMENT)
def _legacy(e: CampaignEvent) -> str:
    action = e.data.get("action", "")
    detail = _("、").join(str(e.data[k]) for k in ("form", "question", "code", "name", "node") if e.data.get(k))
    sentence = _("%(who)s %(what)s") % {"who": e.who, "what": e.type_label}
    details = " ".join(part for part in (action, detail) if part)
    return _("%(sentence)s（%(details)s）") % {"sentence": sentence, "details": details} if details else sentence


# ---------------------------------------------------------------------------------------------------------
# Compatibility: the generic writer that came before the typed functions. Other branches still call it;
# new events get a function above (and a describer) instead. Without one, the row says "<who> <type>".
# ---------------------------------------------------------------------------------------------------------
def event_record(
    *, campaign: Campaign, type: str, actor: User | None, data: dict | None = None, target: CampaignTarget | None = None
) -> CampaignEvent:
    return _record(campaign=campaign, type=type, actor=actor, target=target, **(data or {}))
