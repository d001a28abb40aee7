"""Uploaded files: refused past the size limit while they arrive, then checked (type by content, size, a
clean name, a SHA-256).

`LimitedUploadHandler` (first of settings.FILE_UPLOAD_HANDLERS) counts each file's bytes as the request
streams in; past settings.UPLOAD_HARD_MAX_BYTES it passes nothing more on (files above 2.5 MB otherwise go
to a temporary file, never whole into memory) and the view receives a `RefusedUpload`, whose size says why
and whose read() raises UploadRejected with the Chinese message. `check()` is plain Python: the caller passes
the limit of its kind of file (settings.UPLOAD_MAX_BYTES, REGISTRY_IMPORT_MAX_BYTES).
"""

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .exceptions import ApplicationError


class UploadRejected(ApplicationError, ValueError):
    """A file we do not take; views and the API show the message (it is an ApplicationError)."""


def too_large_message(max_bytes: int) -> str:
    return _("文件超过 %(n)s MB 的上限") % {"n": max_bytes // (1024 * 1024)}


class RefusedUpload(UploadedFile):
    """What a view gets for a file cut off past the limit: its size (as far as counted), no content."""

    def __init__(self, name: str, size: int, content_type: str | None, max_bytes: int):
        super().__init__(file=io.BytesIO(), name=name, content_type=content_type, size=size)
        self.max_bytes = max_bytes

    def read(self, *args, **kwargs):
        raise UploadRejected(too_large_message(self.max_bytes))

    def chunks(self, chunk_size=None):
        raise UploadRejected(too_large_message(self.max_bytes))

    def __iter__(self):
        raise UploadRejected(too_large_message(self.max_bytes))


class LimitedUploadHandler(FileUploadHandler):
    """Stop taking a file's bytes past the limit: the rest of it is read off the socket and dropped."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.max_bytes = settings.UPLOAD_HARD_MAX_BYTES
        self.received = 0
        self.refused = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.refused or self.received > self.max_bytes:
            self.refused = True
            return None  # the next handlers (memory, temporary file) get nothing more
        return raw_data

    def file_complete(self, file_size):
        if self.refused:
            return RefusedUpload(self.file_name, self.received, self.content_type, self.max_bytes)
        return None


@dataclass(frozen=True)
class FileKind:
    extension: str
    content_type: str


PDF = FileKind("pdf", "application/pdf")
DOCX = FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
JPG = FileKind("jpg", "image/jpeg")
PNG = FileKind("png", "image/png")
ALLOWED_LABEL = gettext_lazy("PDF、DOCX、XLSX、JPG、PNG")


def sniff(data: bytes) -> FileKind | None:
    """The kind of file `data` really is, whatever its name says; None when it is none we accept."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPG
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    return None


def clean_filename(name: str, extension: str) -> str:
    """A safe file name: no path, no control or shell characters, the extension of the real type."""
    name = unicodedata.normalize("NFKC", name).replace("\\", "/").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = re.sub(r"[^\w\-\u3000-\u303f\u4e00-\u9fff()]+", "_", stem).strip("._ ")[:80]
    return f"{stem or 'file'}.{extension}"


def check(data: bytes, name: str, *, max_bytes: int) -> tuple[FileKind, str, str]:
    """Validate an upload; returns (kind, clean name, sha256 hex) or raises UploadRejected in Chinese."""
    if not data:
        raise UploadRejected(_("文件为空"))
    if len(data) > max_bytes:
        raise UploadRejected(too_large_message(max_bytes))
    kind = sniff(data)
    if kind is None:
        raise UploadRejected(_("不支持的文件类型：只接受 %(kinds)s（按文件内容判断，而非扩展名）") % {"kinds": ALLOWED_LABEL})
    return kind, clean_filename(name, kind.extension), hashlib.sha256(data).hexdigest()
