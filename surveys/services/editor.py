"""The form editor's writes: a whole definition saved at once (editor, xlsx import, template), templates."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.deletion import ProtectedError
from django.utils.translation import gettext as _

from bianzhi.exceptions import ApplicationError
from bianzhi.models import User
from evaluations import events
from evaluations.indicators import campaign_indicators, campaign_tree_dimensions

from .. import importers
from ..definition import DefinitionError, Tree, definition_clean, question_definition, question_fields
from ..models import Form, FormTemplate, Question
from .definitions import _form_editable

# The fields the editor owns; everything else of a question (none today) is left as it is.
EDITOR_FIELDS = (
    "type", "text", "required", "indicator", "dimension", "counts_for_satisfaction", "choices", "points",
    "other_choices", "rows", "show_if", "show_if_code", "show_if_values", "min_score", "max_score", "decimals",
    "min_selected", "max_selected",
)


def form_tree(form: Form) -> Tree:
    """What the form's questions may be tagged with: the campaign's own tree."""
    indicators = campaign_indicators(form.campaign)
    dimensions = campaign_tree_dimensions(form.campaign)
    return Tree(indicators={code: i.dimension_code for code, i in indicators.items()},
                dimensions=frozenset(d.code for d in dimensions),
                names={**{d.name: d.code for d in dimensions}, **{i.name: code for code, i in indicators.items()}})


def tag_names(form: Form) -> dict[str, str]:
    """{dimension or indicator code: its name} of the campaign's tree (a page or a workbook names, never codes)."""
    return {code: name for name, code in form_tree(form).names.items()}


def definition_check(*, form: Form, definition: dict) -> dict:
    """The definition normalised for this form, or ApplicationError listing every problem (nothing saved)."""
    try:
        return definition_clean(definition, kind=form.kind, tree=form_tree(form))
    except DefinitionError as exc:
        raise ApplicationError(_("表册未保存：%(errors)s") % {"errors": _("；").join(exc.errors)},
                               extra={"errors": exc.errors}) from None


@transaction.atomic
def form_definition_save(*, form: Form, definition: dict, actor: User, how: str = "") -> Form:
    """Replace the form's questions by `definition`, all or nothing, until the form opens.

    Questions are matched by their (hidden) code: a kept question keeps its row, so what refers to it (a
    sheet's draft scores, uploads) still does; a question left out is deleted, unless something was already
    recorded against it.
    """
    form = _form_editable(form)
    clean = definition_check(form=form, definition=definition)
    existing = {q.code: q for q in form.questions.all()}
    if _unchanged(form, existing, clean, definition):  # saved as shown: nothing to write or record
        return form
    wanted = {q["code"] for q in clean["questions"]}
    removed = [q for code, q in existing.items() if code not in wanted]
    try:
        with transaction.atomic():
            for question in removed:
                question.delete()
    except ProtectedError:
        raise ApplicationError(_("有题目已有评分或答案，不能删除")) from None
    # positions are unique: move the kept ones out of the way before numbering them again
    form.questions.update(position=F("position") + 10000)
    added = changed = 0
    for position, q in enumerate(clean["questions"], start=1):
        fields = question_fields(q)
        question = existing.get(q["code"])
        if question is None:
            question = Question(form=form, position=position, **fields)
            added += 1
        else:
            before = question_definition(question)
            for name in EDITOR_FIELDS:
                setattr(question, name, fields[name])
            question.position = position
            changed += before != question_definition(question)
        try:
            question.full_clean()
        except Exception as exc:  # a model rule the definition missed: say which question
            raise ApplicationError(_("第 %(n)s 题：%(why)s") % {"n": position, "why": _("；").join(
                getattr(exc, "messages", [str(exc)]))}) from None
        question.save()
    if clean["title"]:
        form.title = clean["title"]
    form.intro = clean["intro"] if "intro" in definition else form.intro
    try:
        form.save(update_fields=["title", "intro", "updated_at"])  # a new version: cached questions are re-read
    except IntegrityError:
        raise ApplicationError(_("表册未保存，请重试")) from None
    events.event_form_edited(form=form, actor=actor, added=added, changed=changed, removed=len(removed),
                             how=how or _("在编辑器中"))
    return form


def _unchanged(form: Form, existing: dict[str, Question], clean: dict, definition: dict) -> bool:
    saved = [question_definition(q) for q in existing.values()]
    wanted = [question_definition(Question(form=form, position=n, **question_fields(q)))
              for n, q in enumerate(clean["questions"], start=1)]
    return (saved == wanted and (not clean["title"] or clean["title"] == form.title)
            and ("intro" not in definition or clean["intro"] == form.intro))


@transaction.atomic
def form_definition_import(*, form: Form, data: bytes, actor: User) -> Form:
    """A definition read from an xlsx in the documented layout (importers.definition_read), all or nothing."""
    form = _form_editable(form)
    try:
        definition = importers.definition_read(data, tree=form_tree(form))
    except importers.ImportRefused as exc:
        raise ApplicationError(_("导入未完成：%(errors)s") % {"errors": _("；").join(exc.errors)},
                               extra={"errors": exc.errors}) from None
    return form_definition_save(form=form, definition=definition, actor=actor, how=_("从 Excel 导入并"))


@transaction.atomic
def form_template_save(*, form: Form, name: str, actor: User) -> FormTemplate:
    """Save the form's questions as a named template for this kind of form (a name again replaces it). A
    closed campaign's form may be saved too: that is how last year's form starts next year's."""
    name = name.strip()
    if not name:
        raise ApplicationError(_("请填写模板名称"))
    definition = {"title": form.title, "intro": form.intro,
                  "questions": [question_definition(q) for q in form.questions.all()]}
    template, _created = FormTemplate.objects.update_or_create(
        kind=form.kind, name=name[:200], defaults={"definition": definition, "created_by": actor})
    events.event_form_template_saved(form=form, actor=actor, name=template.name)
    return template


@transaction.atomic
def form_template_apply(*, form: Form, template: FormTemplate | None, actor: User) -> Form:
    """Replace the form's questions with a saved template's (same kind), until the form opens. Tags the
    campaign's tree no longer has are refused by name, so nothing is silently dropped."""
    form = _form_editable(form)
    if template is None:
        raise ApplicationError(_("请选择要套用的模板"))
    if template.kind != form.kind:
        raise ApplicationError(_("模板与表册类型不一致"))
    definition = {**template.definition, "questions": [
        {k: v for k, v in q.items() if k != "code"} for q in template.definition.get("questions", [])]}
    # codes are the form's own: the template's show-if refers to its questions by position instead
    numbered = {q.get("code"): f"q{n}" for n, q in enumerate(template.definition.get("questions", []), start=1)}
    for n, q in enumerate(definition["questions"], start=1):
        q["code"] = f"q{n}"
        q["show_if"] = [{**c, "question": numbered.get(c.get("question"), "")} for c in q.get("show_if") or []]
    return form_definition_save(form=form, definition=definition, actor=actor,
                                how=_("按模板“%(name)s”") % {"name": template.name})
