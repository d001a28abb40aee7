"""Uploads: checked by content, stored privately, versioned (a replacement never overwrites)."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from bianzhi import uploads
from bianzhi.exceptions import ApplicationError
from bianzhi.models import User

from .. import events
from ..guard import campaign_writable
from ..models import CampaignTarget, SelfAssessment, Upload
from .field_visit import _visit_draft
from .self_assessment import _liaison_draft

# Which change of the guard's table each kind of file is part of.
PURPOSE_WHAT = {
    Upload.Purpose.SELF_REPORT: "self_assessment", Upload.Purpose.EVIDENCE: "self_assessment",
    Upload.Purpose.PHOTO: "field_visit", Upload.Purpose.SHEET_EVIDENCE: "sheet",
    Upload.Purpose.APPEAL: "appeal", Upload.Purpose.RECTIFICATION: "rectification",
}


def _upload_allowed(target: CampaignTarget, actor: User, purpose: str, indicator_code: str) -> SelfAssessment | None:
    """Who may upload what, now. Returns the draft self-assessment a liaison's file belongs to."""
    if purpose == Upload.Purpose.PHOTO:
        _visit_draft(target, actor)
        return None
    if purpose == Upload.Purpose.SHEET_EVIDENCE:  # checked against the sheet by surveys.services.sheet_file_add
        raise ApplicationError(_("评估表附件请在评估表页面上传"))
    if purpose in (Upload.Purpose.APPEAL, Upload.Purpose.RECTIFICATION):  # with the appeal or the item (reports.followup)
        raise ApplicationError(_("复核申请和整改的材料请在相应页面上传"))
    assessment = _liaison_draft(target, actor)
    if purpose == Upload.Purpose.EVIDENCE and not assessment.items.filter(indicator_code=indicator_code).exists():
        raise ApplicationError(_("请选择佐证材料对应的指标"))
    return assessment


def upload_store(
    *, target, actor, purpose, indicator_code, data: bytes, name: str, replaces: Upload | None, question_code: str = ""
) -> Upload:
    """Check the file (content, size, name), store it privately as a new version and record FILE_UPLOADED.

    Callers check first who may upload what (here: _upload_allowed; the evaluation sheet: surveys' services).
    """
    campaign_writable(target.campaign, PURPOSE_WHAT[purpose])
    try:
        kind, clean_name, sha256 = uploads.check(data, name, max_bytes=settings.UPLOAD_MAX_BYTES)
    except uploads.UploadRejected as exc:
        raise ApplicationError(str(exc)) from exc
    upload = Upload(
        target=target, purpose=purpose, indicator_code=indicator_code, question_code=question_code,
        original_name=clean_name,
        content_type=kind.content_type, size=len(data), sha256=sha256, uploaded_by=actor,
        version=replaces.version + 1 if replaces else 1, replaces=replaces,
    )
    # The stored name is ours (the storage adds a suffix rather than overwrite); the clean name is for display.
    upload.file.save(f"t{target.pk}-{sha256[:16]}.{kind.extension}", ContentFile(data), save=False)
    upload.save()
    events.event_file_uploaded(upload=upload, actor=actor, replaces=replaces)
    return upload


def _attach(assessment: SelfAssessment | None, upload: Upload, replaces: Upload | None) -> None:
    if assessment is None:
        return
    if upload.purpose == Upload.Purpose.SELF_REPORT:
        assessment.report = upload
        assessment.save(update_fields=["report", "updated_at"])
    else:
        item = assessment.items.get(indicator_code=upload.indicator_code)
        if replaces:
            item.evidence.remove(replaces)
        item.evidence.add(upload)


@transaction.atomic
def upload_add(
    *, target: CampaignTarget, actor: User, purpose: str, data: bytes, name: str, indicator_code: str = ""
) -> Upload:
    assessment = _upload_allowed(target, actor, purpose, indicator_code)
    replaces = None
    if purpose == Upload.Purpose.SELF_REPORT and assessment.report_id:  # a new report is a new version of it
        replaces = upload_current(assessment.report)
    upload = upload_store(target=target, actor=actor, purpose=purpose, indicator_code=indicator_code, data=data, name=name,
                    replaces=replaces)
    _attach(assessment, upload, replaces)
    return upload


def upload_current(upload: Upload) -> Upload:
    while hasattr(upload, "replaced_by"):
        upload = upload.replaced_by
    return upload


@transaction.atomic
def upload_replace(*, upload: Upload, actor: User, data: bytes, name: str) -> Upload:
    """A new version of the file; the old one is kept and stays readable."""
    upload = Upload.objects.select_for_update(of=("self",)).select_related("target__campaign").get(pk=upload.pk)
    if not upload.is_current:
        raise ApplicationError(_("该文件已有更新的版本，请替换最新版本"))
    assessment = _upload_allowed(upload.target, actor, upload.purpose, upload.indicator_code)
    new = upload_store(target=upload.target, actor=actor, purpose=upload.purpose, indicator_code=upload.indicator_code,
                 data=data, name=name, replaces=upload)
    _attach(assessment, new, upload)
    return new

