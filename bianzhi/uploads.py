"""Checks on uploaded files: the type by content (magic bytes), the size, a clean name, a SHA-256.

Plain Python, no Django: the caller passes the size limit (settings.UPLOAD_MAX_BYTES).
"""

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass


class UploadRejected(ValueError):
    pass


@dataclass(frozen=True)
class FileKind:
    extension: str
    content_type: str


PDF = FileKind("pdf", "application/pdf")
DOCX = FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
JPG = FileKind("jpg", "image/jpeg")
PNG = FileKind("png", "image/png")
ALLOWED_LABEL = "PDF、DOCX、XLSX、JPG、PNG"


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
        raise UploadRejected("文件为空")
    if len(data) > max_bytes:
        raise UploadRejected(f"文件超过 {max_bytes // (1024 * 1024)} MB 的上限")
    kind = sniff(data)
    if kind is None:
        raise UploadRejected(f"不支持的文件类型：只接受 {ALLOWED_LABEL}（按文件内容判断，而非扩展名）")
    return kind, clean_filename(name, kind.extension), hashlib.sha256(data).hexdigest()
