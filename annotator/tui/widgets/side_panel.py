"""The annotation screen's side panel: the database open, the document, where you are, the counts, and
what the current sentence carries (your label, the suggestion, its copies, your note, other wordings);
folded into one status line under the text on narrow terminals."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import ProgressBar, Static

from annotator.quality.control import pause_words
from annotator.review import flag_words
from annotator.session import Session
from annotator.tui.widgets.names import cut, fold_name, pad, tail_of
from annotator.wording import plural
from annotator.writer import disk_full_notice

PANEL_TEXT = 32  # columns of text inside the panel (its width, less border and padding)
STATUS_FLAG = 28  # columns of "flagged: note" on the status line

_PIECE_STYLE = {"same": "", "changed": "reverse", "missing": "dim strike"}
def variant_lines(found, total: int) -> list[Content]:
    """The differently worded copies the current label also covers, their differing words marked."""
    if not total:
        return []
    lines = [Content(""), Content.styled(f"your label also covers {plural(total, 'other wording')}:", "b")]
    for variant in found:
        lines.append(Content.styled(variant.ref, "dim"))
        lines.append(Content(" ").join(Content.styled(words, _PIECE_STYLE[kind]) for words, kind in variant.pieces))
    if total > len(found):
        lines.append(Content.styled(f"and {total - len(found)} more (annotator dupes lists them)", "dim"))
    lines.append(Content.styled("wrong? annotator dupes split DOC:N", "dim"))
    return lines


def suggestion_words(session: Session) -> tuple[str, float, str] | None:
    """(label, probability, "rule" or "model") suggested for the current sentence, or None."""
    suggested = session.suggestion() if session.sentence is not None else None
    if suggested is None:
        return None
    what, p, source = suggested
    return what, p, "rule" if source.startswith("rule:") else "model"


class SidePanel(Vertical):
    """Its boxes are updated in place: only the counts box changes height, and only when its lines do."""

    def __init__(self, database: str, label_style: dict[str, str], label_mark: dict[str, str], **kwargs):
        """`label_style`, `label_mark`: {label: its background style, its one-letter mark}, the scheme's
        labels in its order (tui/bindings.py label_styles, marks)."""
        super().__init__(**kwargs)
        self.database = database
        self.label_style = label_style
        self.label_mark = label_mark
        self.shown_doc: int | None = None
        self.counts_shape: tuple[int, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static(id="doc-info", classes="section")
        yield Static(id="position", classes="section")
        yield ProgressBar(id="progress", show_eta=False)
        yield Static(id="counts", classes="section")
        yield Static(id="sentence-info", classes="section")

    def on_mount(self) -> None:
        self.border_title = Content(tail_of(self.database, PANEL_TEXT - 2))
        self.tooltip = f"database: {self.database}"

    def show(self, session: Session) -> None:
        """Show where `session` is: the document's box only when the document changed."""
        s = session.sentence
        if self.shown_doc != session.doc_id:
            self.shown_doc = session.doc_id
            title = Content(session.doc_title) if session.doc_title else Content.styled("(no title)", "dim")
            source, published = session.doc_source
            where = (source or "(no source)") + (f" · {published[:10]}" if published else " · undated")
            where += f" · {session.doc_language}" if session.doc_language else ""
            self.query_one("#doc-info", Static).update(Content("\n").join([
                Content.styled(fold_name(session.doc_name, PANEL_TEXT), "b"), title, Content.styled(where, "dim"),
                Content.assemble("annotator: ", (session.annotator, "b"))]))
        self.query_one("#position", Static).update(
            Content(f"sentence {session.index + 1 if s else 0} of {len(session.sentences)}\n"
                    f"document {session.doc_pos + 1} of {len(session.docs)}"),
            layout=False,
        )
        progress = session.progress()
        self.query_one("#progress", ProgressBar).update(total=max(1, progress.groups), progress=progress.labeled)
        self.show_counts(session, progress)
        self.query_one("#sentence-info", Static).update(Content("\n").join(self.sentence_lines(session)),
                                                        layout=False)

    def show_counts(self, session: Session, progress) -> None:
        """Every label's count, always: the box grows when a line wraps (a longer number, a queue)."""
        team_groups, team_people = session.team
        mine = " in your queue" if session.overlap is not None else ""
        counts = [Content(f"labeled {progress.labeled} of {plural(progress.groups, 'unit')}{mine}")
                  if not session.queue_empty else queue_empty_words(session),
                  Content.styled(f"team: {plural(team_groups, 'unit')} labeled by "
                                 f"{plural(team_people, 'person', 'people')} (refreshed {session.team_at})", "dim")]
        counts += count_lines(self.label_mark, self.label_style, progress.per_label)
        shape = tuple(line.cell_length for line in counts)
        # a new layout costs a repaint of the panel: only when a line may have wrapped differently
        self.query_one("#counts", Static).update(Content("\n").join(counts), layout=shape != self.counts_shape)
        self.counts_shape = shape

    def sentence_lines(self, session: Session) -> list[Content]:
        """The current sentence's box: the view, saving, your label, the suggestion, copies, note, wordings."""
        s = session.sentence
        lines: list[Content] = []
        if session.view is not None:
            lines.append(Content.assemble((f"view: {session.view}", "b"), " (v for more)"))
        if session.writer.full:
            lines.append(Content.styled(disk_full_notice(session.writer.pending), "bold $error"))
        elif session.saving:
            lines.append(Content.styled(f"saving {plural(len(session.saving), 'sentence')}...", "i"))
        if s is None:
            return lines
        label = session.labels.get(session.index)
        lines.append(Content.assemble("your label: ", (label, "b") if label else ("none", "dim"), *answer_words(session)))
        suggested = suggestion_words(session)
        if suggested is not None:
            what, p, by = suggested
            lines.append(Content.assemble(f"suggested ({by}): ", (f" {what} {p:.2f} ", self.label_style.get(what, "")),
                                          " enter accepts").stylize_before("dim"))
        others = session.other_documents()
        if others:
            names = session.other_document_names()
            more = f" and {others - len(names)} more" if others > len(names) else ""
            lines.append(Content(f"also in {plural(others, 'other document')}: {', '.join(names)}{more}"))
        note = session.note()
        if note:
            lines.append(Content(f"note: {note}"))
        lines.extend(Content.styled(flag_words(who, note), "b $warning") for who, note in session.flags())
        lines.extend(variant_lines(*session.variants()))
        return lines


def answer_words(session: Session) -> tuple:
    """" · check-worthy: yes" when the current sentence's label carries an answer to the second question."""
    answer = session.answers.get(session.index) if session.sentence is not None else None
    return (f" · {session.scheme.second.question.rstrip('?')}: ", (answer, "b")) if answer else ()


def count_lines(label_mark: dict[str, str], label_style: dict[str, str], per_label: dict[str, int]) -> list[Content]:
    """Each label's mark, name and count: one a line; with more labels than fit a panel's height (over
    six), two a line, so twelve labels take six lines. Names are cut to fit PANEL_TEXT in terminal
    columns (a CJK character takes two), so no line wraps."""
    cells = [(label, per_label.get(label, 0)) for label in label_mark]
    if len(cells) <= 6:
        # its mark (3 columns), a space, the name, a space, a count of up to 5 digits
        return [Content.assemble((f" {label_mark[label]} ", label_style.get(label, "")),
                                 f" {pad(cut(label, PANEL_TEXT - 10), 8)} {n}") for label, n in cells]
    name = PANEL_TEXT // 2 - 10  # a half: its mark (3), two spaces, a count of up to 5 digits
    def cell(label: str, n: int) -> Content:
        return Content.assemble((f" {label_mark[label]} ", label_style.get(label, "")),
                                f" {pad(cut(label, name), name)} {n:>5}")
    return [Content("").join([cell(*cells[i]), *([cell(*cells[i + 1])] if i + 1 < len(cells) else [])])
            for i in range(0, len(cells), 2)]


def count_line(label_mark: dict[str, str], label_style: dict[str, str], per_label: dict[str, int]) -> Content:
    """Every label's mark and count in one line ("A 3 B 0 C 12"), for the status area of a narrow
    screen: twelve labels take about 60 columns."""
    return Content(" ").join(Content.assemble((label_mark[label], label_style.get(label, "")), f" {per_label.get(label, 0)}")
                             for label in label_mark)


def queue_empty_words(session: Session) -> Content:
    """What the panel says once the queue is empty: that routing is paused for as long as it is."""
    if session.paused is not None:
        return Content.styled(pause_words(*session.paused), "b $warning")
    return Content.styled("your queue is empty", "b")


def status_line(session: Session, label_style: dict[str, str]) -> Content:
    """The side panel in one line, for terminals too narrow for it: what `enter` would accept included."""
    s = session.sentence
    progress = session.progress()
    label = session.labels.get(session.index) if s is not None else None
    # what `enter` would accept comes early: a narrow line wraps, and it must never be out of sight
    status = [Content(f"{session.index + 1 if s else 0}/{len(session.sentences)}"),
              Content(f"doc {session.doc_pos + 1}/{len(session.docs)}"),
              Content.assemble(f"yours: {label or 'none'}", *answer_words(session))]
    suggested = suggestion_words(session)
    if suggested is not None:
        what, p, _by = suggested
        status.append(Content.assemble("enter accepts ", (f" {what} {p:.2f} ", label_style.get(what, ""))))
    if session.writer.full:
        status.append(Content.styled(f"disk full: {session.writer.pending} not saved", "bold $error"))
    elif session.saving:
        status.append(Content.styled("saving...", "i"))
    status.append(Content(f"labeled {progress.labeled}/{progress.groups}"))
    if session.queue_empty and session.paused is not None:
        status.append(queue_empty_words(session))
    for _who, note in session.flags() if s is not None else ():
        # the note cut short: the rest of the line must still fit 80 columns
        flagged = Content(f"flagged: {note}" if note else "flagged").truncate(STATUS_FLAG, ellipsis=True)
        status.append(flagged.stylize_before("b $warning"))
    if s is not None and session.other_documents():
        status.append(Content(f"in {plural(session.other_documents() + 1, 'document')}"))
    return Content(" · ").join(status)
