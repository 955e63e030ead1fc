"""Subject access: the entries of a part, their text, and redaction by phrase
(split from sar.py, which holds the workflow)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from caseload.models import SubjectAccessRedaction, SubjectAccessRequest
from pastoral.models import Learner
from pastoral.reports.printing import PrintEntry, Section

# --- entries, their text, redaction -------------------------------------------------


@dataclass
class PartEntry:
    """One entry of a part, as the assembly page lists it."""

    ref: str
    section: str
    entry: PrintEntry
    depth: int
    redactions: list[SubjectAccessRedaction] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # other learners named, still readable

    @property
    def whole(self) -> SubjectAccessRedaction | None:
        return next((r for r in self.redactions if r.whole_entry), None)


def _own_texts(entry: PrintEntry) -> list[str]:
    texts = [entry.title, entry.meta, entry.body]
    texts += [str(value) for _label, value in entry.facts if value]
    return [t for t in texts if t]


def _texts(entry: PrintEntry) -> list[str]:
    """The entry's text and the text of every entry under it."""
    texts = _own_texts(entry)
    for child in entry.children:
        texts += _texts(child)
    return texts


def _walk(sections: list[Section]):  # type: ignore[no-untyped-def]
    def walk(section: Section, entries: list[PrintEntry], depth: int):  # type: ignore[no-untyped-def]
        for entry in entries:
            yield section, entry, depth
            yield from walk(section, entry.children, depth + 1)

    for section in sections:
        yield from walk(section, section.entries, 0)


def entry_refs(sections: list[Section]) -> list[str]:
    return sorted({entry.ref for _s, entry, _d in _walk(sections) if entry.ref})


def active_redactions(sar: SubjectAccessRequest, part: str | None = None) -> list[Any]:
    qs = sar.redactions.filter(withdrawn_at__isnull=True).select_related("created_by")
    if part:
        qs = qs.filter(part=part)
    return list(qs)


def _phrase_pattern(phrases: list[str]) -> re.Pattern[str] | None:
    phrases = sorted({p for p in phrases if p}, key=len, reverse=True)
    if not phrases:
        return None
    return re.compile("|".join(re.escape(p) for p in phrases), re.IGNORECASE)


def _box(code: str) -> str:
    return format_html('<span class="redaction">[{}]</span>', code)


def mask(text: Any, phrases: dict[str, str]) -> Any:
    """The text with every phrase (case-insensitive) replaced by a black box
    holding its reason code; escaped and marked safe when anything was replaced."""
    if not isinstance(text, str) or not text or not phrases:
        return text
    pattern = _phrase_pattern(list(phrases))
    assert pattern is not None
    codes = {p.lower(): code for p, code in phrases.items()}
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(str(escape(text[last : match.start()])))
        out.append(_box(codes.get(match.group(0).lower(), "TP")))
        last = match.end()
    if not out:
        return text
    out.append(str(escape(text[last:])))
    return mark_safe("".join(out))  # noqa: S308  (every piece escaped above)


def apply_redactions(sections: list[Section], redactions: list[Any]) -> list[dict[str, Any]]:
    """Redact the sections in place; return the list of what was withheld (no text)."""
    by_ref: dict[str, list[Any]] = {}
    for r in redactions:
        by_ref.setdefault(r.ref, []).append(r)
    rows: list[dict[str, Any]] = []

    def apply(entry: PrintEntry, inherited: dict[str, str]) -> None:
        own = by_ref.get(entry.ref, []) if entry.ref else []
        phrases = {**inherited, **{r.phrase: r.reason for r in own if r.phrase}}
        whole = next((r for r in own if r.whole_entry), None)
        if whole is not None:
            entry.redacted = True
            entry.redaction_reason = whole.reason
            entry.title = ""
            entry.meta = ""
            entry.body = ""
            entry.facts = []
            entry.children = []
            return
        entry.title = mask(entry.title, phrases)
        entry.meta = mask(entry.meta, phrases)
        entry.body = mask(entry.body, phrases)
        entry.facts = [(label, mask(value, phrases)) for label, value in entry.facts]
        for child in entry.children:
            apply(child, phrases)

    for section in sections:
        for _s, entry, _d in list(_walk([section])):
            for r in by_ref.get(entry.ref, []) if entry.ref else []:
                rows.append(
                    {
                        "section": section.title,
                        "when": entry.when_label or "—",
                        "what": "Whole entry" if r.whole_entry else "Word or passage",
                        "code": r.reason,
                        "reason": r.get_reason_display().split(": ", 1)[-1],
                    }
                )
        for entry in section.entries:
            apply(entry, {})
    return rows


def _other_learner_names(learner: Learner) -> re.Pattern[str] | None:
    """A pattern matching the full name (legal or preferred) of any other learner of the school."""
    names: set[str] = set()
    rows = (
        Learner.objects.filter(school_id=learner.school_id)
        .exclude(pk=learner.pk)
        .values_list(
            "legal_first_name", "legal_last_name", "preferred_first_name", "preferred_last_name"
        )
    )
    for first, last, pfirst, plast in rows:
        for a, b in ((first, last), (pfirst or first, plast or last)):
            if a and b:
                names.add(f"{a} {b}")
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


def part_entries(
    sar: SubjectAccessRequest, sections: list[Section], redactions: list[Any]
) -> list[PartEntry]:
    """Every entry of the part with its redactions and the other learners it
    still names (after the phrases withheld from it and the entries above it)."""
    by_ref: dict[str, list[Any]] = {}
    for r in redactions:
        by_ref.setdefault(r.ref, []).append(r)
    names = _other_learner_names(sar.learner)
    items: list[PartEntry] = []

    def walk(section: Section, entries: list[PrintEntry], depth: int, inherited: list[str]) -> None:
        for entry in entries:
            own = by_ref.get(entry.ref, []) if entry.ref else []
            phrases = inherited + [r.phrase for r in own if r.phrase]
            item = PartEntry(
                ref=entry.ref, section=section.title, entry=entry, depth=depth, redactions=own
            )
            if entry.ref:
                items.append(item)
            if item.whole is not None:
                continue
            if names is not None:
                pattern = _phrase_pattern(phrases)
                text = " · ".join(_own_texts(entry))
                if pattern is not None:
                    text = pattern.sub(" ", text)
                item.names = sorted({m.group(0) for m in names.finditer(text)}, key=str.lower)
            walk(section, entry.children, depth + 1, phrases)

    for section in sections:
        walk(section, section.entries, 0, [])
    return items


def part_left_empty(items: list[PartEntry]) -> bool:
    """True when the part has entries and every one at the top is withheld whole."""
    top = [i for i in items if i.depth == 0]
    return bool(top) and all(i.whole is not None for i in top)
