"""Domain vocabulary shared by every layer: labels, guidelines, documents."""

from __future__ import annotations

from dataclasses import dataclass, field

LABELS: tuple[str, ...] = ("fact", "claim", "opinion", "advert")
AMBIGUOUS = "ambiguous"
# what stats, sources and their JSON call the language of documents whose language is not known
UNKNOWN_LANGUAGE = "unknown"

GUIDELINES: dict[str, str] = {
    "fact": "a checkable statement presented as established and not in dispute "
    "(dates, events, quantities, attributed quotes as quotes).",
    "claim": "a checkable statement that is disputed, unsupported, speculative "
    "or needs verification.",
    "opinion": "judgement, interpretation, prediction, value or rhetorical question, "
    "not checkable.",
    "advert": "promotion, sponsorship, calls to subscribe, donate, buy or date, "
    "site boilerplate.",
}


@dataclass
class Document:
    """A document as read from a file, before it is stored."""

    name: str
    text: str
    title: str | None = None
    url: str | None = None
    meta: dict = field(default_factory=dict)
    source: str | None = None  # the outlet, when the file says it (a `source` field, og:site_name)
    published: str | None = None  # UTC, the stored time form
    language: str | None = None  # ISO 639-1, when the file says it (a `language` field, <html lang>)
    # where the language came from once the import settled it: "import" (--language), "field" (a
    # record's), "page" (<html lang>), "identified" (from the text), None (unknown)
    language_from: str | None = None
    page_lang_ignored: str | None = None  # an <html lang> value that is no language code ("{{ lang }}")
    contradicted_by: str | None = None  # the language the text clearly reads as, against <html lang>


class InputError(Exception):
    """Input that cannot be imported; str() is the one-line message for the user."""

    def __init__(self, path: str, problem: str, line: int | None = None):
        self.path = path
        self.problem = problem
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {problem}")
