"""The text of an uploaded marks file, whatever the MIS saved it as.

MIS exports and Excel "Save as CSV" produce UTF-8 (with or without a
byte-order mark), Windows-1252 ("ANSI" on a UK Windows PC: é, £, smart
quotes) or UTF-16 with a byte-order mark ("Unicode text"). Each is read;
anything else is refused with a message that says what to do, never a
server error.
"""

from __future__ import annotations

import codecs

from pastoral.imports.csvfile import ImportFileError, RowError

# Bytes Windows-1252 leaves undefined: a file holding them is not Windows-1252.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")

REFUSED = (
    "Pastoral could not read this file's characters (it is not UTF-8, Windows-1252 or "
    "UTF-16). In Excel choose File > Save As > 'CSV UTF-8 (Comma delimited)', or export "
    "the marks again from the MIS as CSV, and upload that file."
)


def decode_upload(data: bytes) -> tuple[str, str]:
    """The file as text and the name of the encoding it was read as.
    Raises ImportFileError (whole-file, with a clear reason) for anything else."""
    if data.startswith(codecs.BOM_UTF8):
        body, encoding = data[len(codecs.BOM_UTF8) :], "UTF-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _clean(data.decode("utf-16")), "UTF-16"
        except UnicodeDecodeError:
            raise ImportFileError([RowError(None, "", REFUSED)]) from None
    else:
        body, encoding = data, "UTF-8"
    try:
        return _clean(body.decode("utf-8")), encoding
    except UnicodeDecodeError:
        pass
    if b"\x00" in data or _CP1252_UNDEFINED.intersection(data):
        # UTF-16 without a byte-order mark, or a binary file (a spreadsheet).
        raise ImportFileError([RowError(None, "", REFUSED)])
    return _clean(data.decode("cp1252")), "Windows-1252"


def _clean(text: str) -> str:
    if "\x00" in text:
        raise ImportFileError([RowError(None, "", REFUSED)])
    return text
