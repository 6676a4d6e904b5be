"""Which files are accepted, decided from their first bytes: the name's extension must agree with
what the content is (a PDF named .pdf), and text files must be UTF-8 text. HTML, SVG, scripts and
executables are refused: a file served back to a browser must never run there. Pure."""

from __future__ import annotations

import filetype

# What the content is → the extensions a name may have for it.
BINARY_KINDS: dict[str, tuple[str, ...]] = {
    "application/pdf": ("pdf",),
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
    "application/zip": ("zip",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ("pptx",),
}
TEXT_KINDS: dict[str, str] = {"csv": "text/csv", "txt": "text/plain", "md": "text/markdown", "log": "text/plain"}
# How much of the file is read to decide (and to check text is text).
SNIFF_BYTES = 64 * 1024
ACCEPTED = sorted({*(ext for exts in BINARY_KINDS.values() for ext in exts), *TEXT_KINDS})


class RefusedFile(ValueError):
    """The file is not one the store accepts; the message says why, in words."""


def extension_of(filename: str) -> str:
    return filename.rpartition(".")[2].lower() if "." in filename else ""


def content_type(filename: str, head: bytes) -> str:
    """The accepted content type of a file named `filename` starting with `head`; RefusedFile otherwise."""
    extension = extension_of(filename)
    guessed = filetype.guess(head)
    if guessed is not None:
        allowed = BINARY_KINDS.get(guessed.mime)
        if allowed is None:
            raise RefusedFile(f"{guessed.mime} files are not accepted (accepted: {', '.join(ACCEPTED)})")
        if extension not in allowed:
            raise RefusedFile(f"the file is {guessed.mime} but its name ends in .{extension or '(nothing)'}: name it .{allowed[0]}")
        return str(guessed.mime)
    if extension in TEXT_KINDS:
        if b"\x00" in head or not _utf8(head):
            raise RefusedFile(f"a .{extension} file must be UTF-8 text")
        if head.lstrip()[:1] == b"<" and b"<script" in head.lower():
            raise RefusedFile("markup with scripts is not accepted")
        return TEXT_KINDS[extension]
    raise RefusedFile(f"files ending in .{extension or '(nothing)'} are not accepted (accepted: {', '.join(ACCEPTED)})")


def _utf8(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The sniffed head may end inside a multi-byte character: only that is forgiven.
        return error.start >= len(head) - 3 and error.reason == "unexpected end of data"
    return True


def safe_filename(filename: str) -> str:
    """The name as shown and offered for download: no path, no control characters, at most 200 characters."""
    name = filename.replace("\\", "/").rpartition("/")[2]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?').strip(" .")
    if not name:
        raise RefusedFile("the file needs a name")
    if len(name) > 200:
        stem, _, extension = name.rpartition(".")
        name = stem[: 199 - len(extension)] + "." + extension if stem else name[:200]
    return name
