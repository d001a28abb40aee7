"""The office's own Word templates: checked, then stored (the newest of a kind is used)."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from bianzhi.exceptions import ApplicationError
from bianzhi.models import User

from . import word
from .models import WordTemplate

MAX_BYTES = 10 * 1024 * 1024


@transaction.atomic
def word_template_upload(*, kind: str, upload, actor: User) -> WordTemplate:
    """Check the template by rendering it with sample data (a bad one is refused with its Jinja error and
    where it is), then keep it as the template of its kind. Not a campaign's data: no stage applies."""
    if kind not in word.DEFAULT_FILES:
        raise ApplicationError(_("未知的模板类型"))
    if upload.size > MAX_BYTES:
        raise ApplicationError(_("模板文件超过 10 MB"))
    data = upload.read()
    word.template_check(data, kind)
    template = WordTemplate(kind=kind, original_name=upload.name[:200], uploaded_by=actor)
    template.file.save("template.docx", ContentFile(data), save=False)
    template.save()
    return template
