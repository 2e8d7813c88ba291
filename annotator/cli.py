"""The command line: parse options, call the core, print. No logic of its own."""

from __future__ import annotations

import getpass
import json
import os
import shlex
import sqlite3
import sys
from pathlib import Path

import click

from annotator import dedup, readers, scheme
from annotator.ingest import import_paths
from annotator.readers import shown_path
from annotator.store import Store, StoreError, connection, default_path
from annotator.wording import plural, sentence_ref

BUNDLED_CORPUS = Path(__file__).resolve().parent.parent / "corpus"
# batch writes (import-labels, merge, review decisions) wait this long for a database another
# process is writing to (an import) rather than give up after one busy timeout
PATIENCE_S = 600.0
PAUSED_EXIT = 3  # `annotator next`: the quality check paused routing for this annotator


def _remember_db(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    # ctx.meta is shared by the group and its commands: the group's error handler names this file
    ctx.meta["db_path"] = value
    return value


def db_option(f):
    return click.option(
        "--db", "db_path", default=default_path, show_default="annotations.db or $ANNOTATOR_DB",
        type=click.Path(), help="SQLite database file.", callback=_remember_db,
    )(f)


def annotator_option(f):
    return click.option(
        "--annotator", "annotator_name", default=None,
        help="Your name in the label history (default: $ANNOTATOR_NAME, else your login name).",
    )(f)


def screen_options(f):
    """--annotator, --doc, --training and --sample: what opens the annotation screen, with `annotate` or no command."""
    f = click.option("--sample", is_flag=True,
                     help="Import the bundled sample corpus into a database that has no documents.")(f)
    f = click.option("--doc", "doc_name", help="Start at this document (its name as stored).")(f)
    f = click.option("--training", is_flag=True,
                     help="Practise on the control items only; after each answer, see the expected label and why.")(f)
    return annotator_option(f)


def interactive() -> bool:
    """A person at a terminal, who can answer a question."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def open_or_create(db_path: str) -> Store:
    """The database at db_path, made first if no file is there: said with its full path, so
    a new database made by starting in another folder does not go unnoticed."""
    new = not Path(db_path).exists()
    store = Store(db_path)
    if new:
        click.echo(f"created a new database at {shown_path(str(Path(db_path).resolve()))}")
    return store


def resolve_annotator(given: str | None) -> str:
    if given is not None:  # an empty --annotator is refused, not quietly replaced by the login name
        from annotator.label_import import check_annotator

        try:
            check_annotator(given)
        except ValueError as err:
            raise click.ClickException(f"--annotator: {err}") from None
        return given
    if os.environ.get("ANNOTATOR_NAME"):
        return os.environ["ANNOTATOR_NAME"]
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "annotator"


def emit_json(value) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


class Commands(click.Group):
    """Database trouble anywhere in a command (opening, reading, writing) is a one-line message,
    never a traceback: the commands themselves need no handlers of their own."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except StoreError as err:
            raise click.ClickException(str(err)) from None
        except sqlite3.Error as err:
            db_path = ctx.meta.get("db_path") or ctx.params.get("db_path") or default_path()
            raise click.ClickException(f"{db_path}: database error: {err}") from None


@click.group(cls=Commands, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="annotator")
@click.option("--db", "db_path", type=click.Path(), help="SQLite database file, for any command.")
@screen_options
@click.pass_context
def main(ctx: click.Context, db_path: str | None, annotator_name: str | None, doc_name: str | None,
         training: bool, sample: bool) -> None:
    """Label news and web text sentence by sentence (by default fact, claim, opinion or advert: a project sets its own labels).

    With no command, opens the annotation screen (as `annotate` does, with its options) on the
    default database (annotations.db, or $ANNOTATOR_DB), importing the bundled sample corpus first if
    it holds no documents yet.
    """
    connection.on_upgrade = lambda message: click.echo(message, err=True)
    if db_path:
        ctx.default_map = _db_defaults(main, db_path)  # becomes every command's own --db default
    if ctx.invoked_subcommand is None:
        ctx.invoke(annotate, db_path=db_path or default_path(), annotator_name=annotator_name, doc_name=doc_name,
                   training=training, sample=sample)
    elif annotator_name is not None or doc_name is not None or sample or training:
        raise click.UsageError("--annotator, --doc, --training and --sample open the annotation screen: give them "
                               "with no command, or after the command's name")


def _db_defaults(group: click.Group, db_path: str) -> dict:
    return {
        name: {"db_path": db_path, **(_db_defaults(command, db_path) if isinstance(command, click.Group) else {})}
        for name, command in group.commands.items()
    }


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@db_option
@click.option("--format", "fmt", type=click.Choice(readers.FORMATS), help="Read every file as this format.")
@click.option("--replace", is_flag=True, help="Update documents whose content changed (labels of unchanged sentences are kept).")
@click.option("--threshold", type=click.FloatRange(0, 100), help=f"Near-duplicate similarity, 0-100 (default {dedup.DEFAULT_THRESHOLD:g}; stored).")
@click.option("--source", "source", help="The source (outlet) of every document of this import.")
@click.option("--encoding", help="Read files in this encoding (e.g. cp1252, koi8-r; labels as browsers read them: "
                                 "latin-1 is windows-1252), or 'auto' to find each file's (UTF-8, else the legacy "
                                 "code page that reads best); the default is strict UTF-8.")
@click.option("--fix-mojibake", is_flag=True, help="Repair UTF-8 text that was read as windows-1252 and saved again "
                                                 "(SÃ£o TomÃ© -> São Tomé); without it such files are imported as "
                                                 "written and counted.")
@click.option("--max-file-mb", type=click.IntRange(1), default=readers.LIMITS.file_bytes >> 20, show_default=True,
              help="Refuse a file larger than this once uncompressed.")
@click.option("--max-document-chars", type=click.IntRange(1), default=readers.LIMITS.document_chars,
              show_default=True, help="Refuse a file holding a document longer than this.")
@click.option("--language", help="The language of every document (an ISO 639 code: en, de, pt-BR); by default "
                                 "a document's `language`/`lang` field or <html lang>, else identified from its text.")
@click.option("--timeout", type=click.FloatRange(0, min_open=True), default=20.0, show_default=True,
              help="Seconds a URL's fetch may take, redirects included.")
@click.option("--allow-private", is_flag=True,
              help="Let URLs reach this machine and private networks (loopback, 10.x, 192.168.x, link-local).")
@click.option("--follow", is_flag=True, help="For a feed, import the page each item links to instead of the item's own text.")
def import_cmd(paths, db_path, fmt, replace, threshold, source, encoding, fix_mojibake, max_file_mb,
               max_document_chars, language, timeout, allow_private, follow):
    """Import documents from files or folders (walked recursively, in sorted order).

    Formats by extension: .txt, .md, .html/.htm, .jsonl (one document per line, `text`
    required; `id`, `title`, `url`, `source`, `date` or `published`, `language` or `lang`, `meta`
    optional), .csv (separated by , ; tab or |, found from the header; a
    `text` column, same optional columns) and .parquet (the same columns, read a row group at a
    time); .jsonl.gz, .jsonl.zst, .csv.gz and .csv.zst are uncompressed as they are read; .pdf and
    .docx with the pdf and docx extras. A folder's files of no format read here are listed by type. A document's source (outlet) is --source, else its
    `source` field (og:site_name in HTML), else its URL's domain, else the file's folder. Files that cannot be read are reported and skipped; the exit status is then 1.

    An http or https URL is fetched and read as its Content-Type says: a page (its main text), an
    RSS or Atom feed (each item a document; .rss, .atom and .xml files too), plain text; it is
    named by its URL, so importing it again is the same document.
    """
    from annotator.readers.web import is_url

    if not any(is_url(p) or Path(p).exists() or Path(p).is_symlink() for p in paths):  # nothing to import: no database either
        for p in paths:
            click.echo(f"error: {readers.shown_path(p)}: no such file or folder", err=True)
        sys.exit(1)
    # the options are checked before the database is opened: a bad one creates nothing
    if source is not None and not source.strip():
        raise click.ClickException("--source: give the outlet's name, not an empty one")
    if encoding is not None:
        from annotator.readers.decode import check_encoding

        try:
            encoding = check_encoding(encoding)
        except ValueError as err:
            raise click.ClickException(f"--encoding: {err}") from None
    if language is not None:
        from annotator.segment.identify import given

        if not language.strip():
            raise click.ClickException("--language: give a language code (such as en, de, pt-BR), not an empty one")
        try:
            language = given(language)  # `und`, `mul`: None, each document's own or identified
        except ValueError as err:
            raise click.ClickException(f"--language: {err}") from None
    store = open_or_create(db_path)
    shown = ImportProgress() if sys.stderr.isatty() else None
    limits = readers.Limits(file_bytes=max_file_mb << 20, document_chars=max_document_chars)
    from annotator.readers.decode import mojibake_repaired

    with mojibake_repaired(fix_mojibake):  # the forked readers inherit it
        report = import_paths(store, paths, fmt=fmt, replace=replace, threshold=threshold,
                              source=source.strip() if source else None, encoding=encoding, progress=shown,
                              limits=limits, on_wait=lambda message: click.echo(message, err=True),
                              language=language, timeout=timeout,
                              allow_private=allow_private, follow=follow)
    if shown:
        shown.done()
    if report.stopped:
        _stopped(store, report)
    if report.documents and store.rules():
        from annotator.suggest import apply_rules

        report.messages.append(f"rules: {plural(apply_rules(store), 'unit')} nobody has labeled pre-labeled as suggestions")
    for line in report.messages:
        click.echo(line)
    for line in report.errors:
        click.echo(f"error: {line}", err=True)
    joined = report.grouping.get("joined", 0)
    click.echo(
        f"{plural(report.documents, 'document')} and {plural(report.sentences, 'sentence')} added, {report.unchanged} unchanged"
        + (f", {report.replaced} replaced" if report.replaced else "")
        + (f", {report.relanguaged} cut again in another language" if report.relanguaged else "")
        + f"; {plural(joined, 'sentence')} joined a duplicate group"
    )
    if report.refused:
        sys.exit(1)


def _stopped(store: Store, report) -> None:
    """Ctrl+C: one line on what was kept and what is left; exit status 130, as a shell reports SIGINT."""
    from annotator.ingest import pending_grouping

    pending = pending_grouping(store)
    click.echo(f"import stopped: {plural(report.documents, 'document')} stored, grouping of "
               f"{plural(pending, 'sentence')} pending; it finishes with the next import, `annotator dupes "
               "group` or when the screen opens", err=True)
    sys.exit(130)


class ImportProgress:
    """One line on the terminal, rewritten as an import goes: documents, sentences, rate, time left."""

    def __init__(self):
        import time

        self.clock = time.monotonic
        self.start = self.clock()
        self.shown = False

    def __call__(self, report, done: int, total: int) -> None:
        elapsed = max(1e-6, self.clock() - self.start)
        rate = report.sentences / elapsed
        left = (total - done) * elapsed / done if done and total else None
        eta = "" if left is None else f", about {left:.0f} s left" if left < 120 else f", about {left / 60:.0f} min left"
        click.echo(f"\r{plural(report.documents, 'document')}, {plural(report.sentences, 'sentence')}, "
                   f"{rate:,.0f} sentences/s{eta}   ", nl=False, err=True)
        self.shown = True

    def done(self) -> None:
        if self.shown:
            click.echo("", err=True)


@main.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def stats(db_path, as_json):
    """Summarise the database: documents, sentences, groups, labels per label and per annotator."""
    store = Store(db_path, create=False)
    counts = store.counts()
    if as_json:
        emit_json(counts)
        return
    click.echo(f"documents   {counts['documents']}")
    if counts["languages"]:
        click.echo("languages   " + ", ".join(f"{code} {n}" for code, n in counts["languages"].items()))
    click.echo(f"sentences   {counts['sentences']}")
    click.echo(f"groups      {counts['groups']}  (distinct units to label)")
    if counts["control_units"]:
        click.echo(f"control     {counts['control_units']}  (control units: their answers count for accuracy "
                   "only, not below)")
    click.echo(f"labeled     {counts['labeled']}  (groups with a label)")
    # each annotator's current label counts: a unit two people labeled is two labels, so these add up
    # to labels given, not to labeled units
    click.echo(f"labels      {sum(counts['labels'].values())}  (one per annotator per unit: a unit labeled by "
               "two people counts twice)")
    for label, n in sorted(counts["labels"].items()):
        click.echo(f"  {label:<9} {n}")
    if counts["annotators"]:
        click.echo("annotators  (labels each)")
        for name, n in sorted(counts["annotators"].items()):
            click.echo(f"  {name:<9} {n}")
    click.echo(f"decisions   {counts['decisions']}")
    _say_pending_grouping(store)


def _finish_pending_grouping(store: Store) -> None:
    """Before the screen opens, copies an interrupted import left ungrouped join their groups, so a
    label covers every copy."""
    from annotator.ingest import import_running, pending_grouping

    pending = pending_grouping(store)
    if pending and import_running(store):  # it groups them itself: the screen does not wait for it
        click.echo(f"an import is running: {plural(pending, 'sentence')} join their duplicate groups when it "
                   "has stored its files", err=True)
    elif pending:
        click.echo(f"grouping {plural(pending, 'sentence')} an interrupted import left pending...", err=True)
        dedup.group_pending(store, on_wait=lambda message: click.echo(message, err=True))


def _say_pending_grouping(store: Store) -> None:
    """Sentences an interrupted import left ungrouped: said on stderr, with how to group them."""
    from annotator.ingest import import_running, pending_grouping

    pending = pending_grouping(store)
    if pending and import_running(store):
        click.echo(f"an import is running: {plural(pending, 'sentence')} not yet in duplicate groups, which it "
                   "groups when it has stored its files", err=True)
    elif pending:
        click.echo(f"grouping pending: {plural(pending, 'sentence')} not yet in duplicate groups (an import was "
                   "stopped); `annotator dupes group` groups them", err=True)




def resolve_sentence(store: Store, ref: str):
    """A sentence reference: DOC:N (the document name as stored, and the sentence's number counting
    from 1, as the screen and find show it) or #ID."""
    if ref.startswith("#") and ref[1:].isdigit():
        sentence = store.sentence(int(ref[1:]))
    elif ":" in ref and ref.rsplit(":", 1)[1].isdigit() and int(ref.rsplit(":", 1)[1]) > 0:
        doc, number = ref.rsplit(":", 1)
        sentence = store.sentence_at(doc, int(number) - 1)
    else:
        raise click.BadParameter(f"{ref!r}: expected DOC:N, N the sentence's number from 1 as the screen shows it "
                                 "(e.g. corpus/op-ed.txt:3), or #SENTENCE_ID")
    if sentence is None:
        raise click.ClickException(f"{ref}: no such sentence")
    return sentence


@main.group(invoke_without_command=True)
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.option("--min-size", default=2, show_default=True, type=click.IntRange(1), help="Smallest group to list.")
@click.pass_context
def dupes(ctx, db_path, as_json, min_size):
    """List groups of duplicate sentences, largest first; `split` and `join` correct them."""
    if ctx.invoked_subcommand is not None:
        return
    store = Store(db_path, create=False)
    _say_pending_grouping(store)
    listing = []
    threshold = float(store.setting("threshold", str(dedup.DEFAULT_THRESHOLD)))
    for group, size in store.groups(min_size):
        found = store.group_members(group)
        representative = next((t for _, _, t, sid in found if sid == group), found[0][2])
        entry = {
            "group": group, "size": size, "min_ratio": dedup.lowest_ratio(representative, [t for _, _, t, _ in found]),
            "members": [{"doc": d, "index": i, "text": t, "representative": sid == group} for d, i, t, sid in found],
        }
        if as_json:  # why each member is in the group: compared with its first member, as the grouping does
            written = store.texts_and_languages([sid for *_, sid in found] + [group])
            first_text, first_language = written.get(group, (representative, None))
            for member, (*_, sid) in zip(entry["members"], found):
                if not member["representative"]:
                    text, language = written[sid]
                    why = dedup.explain(text, first_text, threshold, language, first_language)
                    member["why"] = why.as_json() | {"by": "rule" if why.joins else "hand or an earlier release"}
        listing.append(entry)
    if as_json:
        emit_json(listing)
        return
    for entry in listing:
        click.echo(f"group {entry['group']} ({plural(entry['size'], 'sentence')}, lowest ratio to the first {entry['min_ratio']:g})")
        for m in entry["members"]:
            click.echo(f"{'*' if m['representative'] else ' '} {sentence_ref(shown_path(m['doc']), m['index'])}  "
                       f"{m['text']}")
    click.echo(f"{plural(len(listing), 'group')} with at least {plural(min_size, 'member')}")


@dupes.command("split")
@click.argument("ref")
@db_option
def dupes_split(ref, db_path):
    """Move one sentence (DOC:N or #ID) out of its group; its own labels go with it."""
    store = Store(db_path, create=False)
    sentence = resolve_sentence(store, ref)
    with store.transaction():
        store.split_sentence(sentence)
    click.echo(f"{ref} is now a group of its own ({sentence.text[:60]!r})")


@dupes.command("join")
@click.argument("first")
@click.argument("second")
@db_option
def dupes_join(first, second, db_path):
    """Merge the groups of two sentences (DOC:N or #ID)."""
    store = Store(db_path, create=False)
    a, b = resolve_sentence(store, first), resolve_sentence(store, second)
    if a.id == b.id:
        raise click.ClickException(f"{first} and {second} are the same sentence: give two to join")
    with store.transaction():
        group = store.join_groups(a, b, record=True)
    click.echo(f"joined: {first} and {second} are now group {group}")


@dupes.command("why")
@click.argument("first")
@click.argument("second")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def dupes_why(first, second, db_path, as_json):
    """Say why two sentences (DOC:N or #ID) are, or are not, one unit: their similarity against the
    threshold and what the same-fact guard finds between them (a number, a negation, a name, a date,
    an antonym, a tense, another word)."""
    store = Store(db_path, create=False)
    a, b = resolve_sentence(store, first), resolve_sentence(store, second)
    threshold = float(store.setting("threshold", str(dedup.DEFAULT_THRESHOLD)))
    written = store.texts_and_languages([a.id, b.id])
    why = dedup.explain(written[a.id][0], written[b.id][0], threshold, written[a.id][1], written[b.id][1])
    together = a.group_id == b.group_id
    if together == why.joins:
        now = "one unit" if together else "two units"
    elif together:
        now = ("one unit, not by the rule: joined by hand (`annotator dupes split` undoes it) or grouped by an "
               "earlier release (`annotator dupes regroup` applies the rule)")
    else:
        now = ("two units, though the rule would join them: split by hand (`annotator dupes join` undoes it); or "
               "each joined a group whose first member it matches better; or the candidate search never paired "
               "them (their word sets share too little, or only words shared by too many sentences)")
    if as_json:
        emit_json({"a": first, "b": second, "one_unit": together, **why.as_json(), "now": now})
        return
    click.echo(f"{first}  {shown_path(written[a.id][0])}")
    click.echo(f"{second}  {shown_path(written[b.id][0])}")
    click.echo(("join: " if why.joins else "apart: ") + why.reason())
    click.echo(f"now: {now}")


@dupes.command("group")
@db_option
def dupes_group(db_path):
    """Group the sentences an interrupted import left pending (the next import would, too)."""
    store = Store(db_path, create=False)
    result = dedup.group_pending(store, on_wait=lambda message: click.echo(message, err=True))
    click.echo(f"grouped {plural(result['sentences'], 'sentence')}; {plural(result['joined'], 'sentence')} "
               "joined a duplicate group")


@dupes.command("regroup")
@db_option
@click.option("--threshold", type=click.FloatRange(0, 100), help="Near-duplicate similarity, 0-100 (default: the stored one).")
def dupes_regroup(db_path, threshold):
    """Group every sentence again under the current rules (numbers and negations must agree, no
    chains), for a database made by an earlier release. Splits and joins made by hand are kept;
    labels stay with the sentence that received them; nothing is deleted from the history."""
    store = Store(db_path, create=False)
    report = dedup.regroup(store, threshold)
    click.echo(
        f"regrouped {plural(report.sentences, 'sentence')}: {plural(report.groups_before, 'group')} before, "
        f"{report.groups_after} after; {report.split} split"
    )
    if report.uncovered:
        shown = ", ".join(report.uncovered[:5]) + (", ..." if len(report.uncovered) > 5 else "")
        click.echo(f"{plural(len(report.uncovered), 'sentence')} left a labeled group and "
                   f"{'is' if len(report.uncovered) == 1 else 'are'} now unlabeled: {shown}")


def run_app(app) -> None:
    """Run a screen; whatever way it ends, the writes it handed over land before the command returns,
    unless the disk is full (the user chose to quit all the same): then it says how many did not."""
    lost = 0
    try:
        app.run()
    finally:
        if app.writer is not None and app.writer.pending:
            click.echo(f"saving {plural(app.writer.pending, 'change')}...", err=True)
        lost = app.close_writer()
        app.store.close()  # the last connection: SQLite folds the write-ahead log back into the file
    if lost:  # after the finally: an error escaping app.run() is not hidden by this exit
        raise click.ClickException(f"{app.store.path}: disk full while writing DB: {plural(lost, 'change')} "
                                   "not saved")


def ensure_documents(store: Store) -> None:
    """A new user sees real text at once: an empty database first gets the bundled corpus."""
    if store.document_ids() or not BUNDLED_CORPUS.is_dir():
        return
    total = sum(path.stat().st_size for path, _name in readers.walk(BUNDLED_CORPUS))
    with click.progressbar(length=total, label="importing the sample corpus", file=sys.stderr) as bar:
        last = [0]

        def progress(_report, done: int, _total: int) -> None:
            bar.update(done - last[0])
            last[0] = done

        report = import_paths(store, [BUNDLED_CORPUS], progress=progress)
    for line in report.errors:
        click.echo(f"error: {line}", err=True)


@main.command()
@db_option
@screen_options
def annotate(db_path, annotator_name, doc_name, training, sample):
    """Label sentences in the terminal with the project's label keys (annotator project labels); ? for help.

    The default database gets the bundled sample corpus on first use; any other one without
    documents is offered it (or takes it with --sample). A --db path that does not exist is created
    only after you confirm it.
    """
    from annotator.tui.app import AnnotatorApp

    is_default = Path(db_path).resolve() == Path(default_path()).resolve()
    if not is_default and not Path(db_path).exists():
        if not interactive():
            raise click.ClickException(f"{db_path}: no such database; create it with `annotator import PATH "
                                       f"--db {db_path}`, or run this in a terminal to confirm creating it")
        if not click.confirm(f"{db_path} does not exist. Create a new database there?", default=False):
            raise click.ClickException(f"{db_path}: not created")
    store = open_or_create(db_path)
    store.require_writable("labeling")
    if not store.document_ids():
        how = f"annotator import PATH --db {shlex.quote(db_path)}"
        if not (is_default or sample):
            if not interactive():
                raise click.ClickException(f"{db_path}: no documents yet; import some ({how}) "
                                           "or add --sample for the sample corpus")
            if not click.confirm(f"{db_path} has no documents yet. Import the sample corpus to try the tool?",
                                 default=True):
                click.echo(f"no documents yet: import yours with `{how}`, then open the screen again")
                return
        ensure_documents(store)
    if doc_name is not None and store.document_id(doc_name) is None:
        raise click.ClickException(f"{db_path}: no document named {doc_name!r}")
    if not store.document_ids():
        raise click.ClickException(f"{db_path}: no documents yet; import some first (annotator import PATH)")
    _finish_pending_grouping(store)
    if training and not store.control_units():
        raise click.ClickException(f"{db_path}: no control items to train on; add them with `annotator control add "
                                   "FILE.jsonl` or `annotator control from-review`")
    run_app(AnnotatorApp(store, resolve_annotator(annotator_name), doc_name=doc_name, training=training))


@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (127.0.0.1: this machine only).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--token", help="The access token (default: $ANNOTATOR_TOKEN, else a new one is made and printed).")
@click.option("--max-sessions", default=32, show_default=True, type=click.IntRange(1), help="Browser sessions at once.")
@click.option("--idle-minutes", default=30.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
              help="Close a session after this long without a key or click.")
@click.option("--public-url", help="The address browsers use, when behind a reverse proxy (https://...).")
def serve(db_path, host, port, token, max_sessions, idle_minutes, public_url):
    """Serve the annotation screen (and, with the start page's review box, the review screen) to
    browsers. Every browser session runs its own annotator process on the database. The token is
    the only access control: put the server behind a TLS reverse proxy to use it beyond this machine."""
    from annotator.serve import ServeError, choose_token, listen, require_textual_serve
    from annotator.serve import serve as run_server

    try:
        require_textual_serve()
        chosen, made = choose_token(token, os.environ.get("ANNOTATOR_TOKEN"))
    except ServeError as err:
        raise click.ClickException(str(err)) from None
    store = Store(db_path, create=False)
    store.require_writable("serving annotators")
    if not store.document_ids():
        raise click.ClickException(f"{db_path}: no documents yet; import some first (annotator import PATH)")
    store.close()
    try:
        sock = listen(host, port)  # before anything is announced: a taken port is the only line said
    except ServeError as err:
        raise click.ClickException(str(err)) from None
    port = sock.getsockname()[1]  # --port 0: the one the system gave
    shown = public_url or f"http://{'localhost' if host in ('127.0.0.1', '::1') else host}:{port}"
    click.echo(f"annotator serving {db_path} on {host}:{port}" + (" (token made for this run)" if made else ""))
    click.echo(f"open {shown.rstrip('/')}/?token={chosen}")
    click.echo("Ctrl+C stops it.", err=True)
    run_server(db_path, chosen, sock=sock, max_sessions=max_sessions, idle_s=idle_minutes * 60, public_url=public_url)


@main.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--annotators", help="Comma-separated names: only their labels count.")
@click.option("--typed-only", is_flag=True, help="Leave out labels that are accepted suggestions.")
@click.option("--over-overlap", is_flag=True,
              help="Also count labels given past a unit's overlap (a lapsed lease); left out by default.")
def agreement(db_path, as_json, annotators, typed_only, over_overlap):
    """Agreement over units labeled by at least two annotators: Krippendorff's alpha, Fleiss' and
    Cohen's kappa, observed and per-label agreement, confusion matrices."""
    from annotator.agreement import format_text
    from annotator.review import agreement_figures, second_question_figures

    store = Store(db_path, create=False)
    _say_pending_grouping(store)
    only = [a.strip() for a in annotators.split(",") if a.strip()] if annotators else None
    result = agreement_figures(store, only, typed_only, over_overlap)
    second = second_question_figures(store, only)
    if as_json:
        emit_json({**result.as_json(), "typed_only": typed_only,
                   **({"second_question": second.as_json()} if second else {})})
    else:
        click.echo(format_text(result))
        if second:
            question = scheme.second(store)
            click.echo(f"\nsecond question ({question.question}, after {', '.join(question.when)}):")
            click.echo(format_text(second))


@main.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.option("--all", "include_single", is_flag=True, help="Also units labeled by one annotator only.")
def disagreements(db_path, as_json, include_single):
    """List units whose annotators gave different labels, and units flagged as unsure not yet decided,
    with every label, note, flag and decision."""
    from annotator.review import flag_words, load_unit, units_to_review

    store = Store(db_path, create=False)
    units = [load_unit(store, g) for g in units_to_review(store, include_single)]
    comments = {u.group: store.decision_comment(u.group) for u in units if u.decision}
    if as_json:
        emit_json([
            {"group": u.group, "text": u.text, "doc": u.members[0][0], "index": u.members[0][1], "docs": u.documents,
             "labels": {v.annotator: v.label for v in u.votes},
             "notes": {v.annotator: v.note for v in u.votes if v.note},
             "flags": {who: note for who, note in u.flags},
             "decision": u.decision[0] if u.decision else None,
             "decided_by": u.decision[1] if u.decision else None,
             "decision_comment": comments.get(u.group)}
            for u in units
        ])
        return
    for u in units:
        click.echo(f"group {u.group}  {sentence_ref(shown_path(u.members[0][0]), u.members[0][1])}  "
                   f"({plural(u.documents, 'document')})")
        click.echo(f"  {u.text}")
        for v in u.votes:
            click.echo(f"  {v.annotator:<12} {v.label}" + (f"  note: {v.note}" if v.note else ""))
        for who, note in u.flags:
            click.echo(f"  {flag_words(who, note)}")
        if u.decision:
            comment = comments.get(u.group)
            click.echo(f"  decided: {u.decision[0]} by {u.decision[1]}" + (f"  comment: {comment}" if comment else ""))
    click.echo(plural(len(units), "unit"))


@main.command()
@db_option
@annotator_option
@click.option("--all", "include_single", is_flag=True, help="Also review units labeled by one annotator only.")
@click.option("--auto-accept", is_flag=True,
              help="First record every unit all its annotators (two or more) agree on as decided by consensus.")
@click.option("--order", type=click.Choice(["split", "uncertain"]), default="split", show_default=True,
              help="split: the most split votes first; uncertain: also every unit the last `annotator aggregate` "
                   "is not sure of, the lowest posterior first.")
def review(db_path, annotator_name, include_single, auto_accept, order):
    """Step through disagreements, most split first, and decide the gold label: the scheme's keys
    (1..9 by place), x ambiguous, n comment, t agreement. The queue starts at the first unit not decided yet."""
    from annotator.review import accept_consensus, nothing_to_review, review_queue
    from annotator.tui.app import AnnotatorApp

    store = Store(db_path, create=False)
    store.require_writable("review")
    if order == "uncertain" and store.aggregate_summary() is None:
        raise click.ClickException(f"{db_path}: no aggregate to order by; run `annotator aggregate` first")
    if auto_accept:
        store.patience = PATIENCE_S
        accepted = accept_consensus(store, store.project()["overlap"] or 2)
        click.echo(f"{plural(accepted, 'unit')} all annotators agree on recorded as decided by consensus")
    if not review_queue(store, include_single, order):
        click.echo(nothing_to_review(include_single))
        return
    store.patience = PATIENCE_S
    run_app(AnnotatorApp(store, resolve_annotator(annotator_name), mode="review", review_all=include_single,
                         review_order=order))


@main.command("aggregate")
@db_option
@click.option("--model", type=click.Choice(["ds", "one-coin", "majority"]), default="ds", show_default=True,
              help="ds: Dawid-Skene, a confusion matrix per annotator; one-coin: one accuracy per annotator; "
                   "majority: each unit's label shares.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def aggregate_cmd(db_path, model, as_json):
    """Aggregate the current labels, weighing each annotator by their estimated reliability, and store
    each unit's label and posterior in place of the previous run. Control items and review decisions
    (other than ambiguous) are fixed at their label; labels past a unit's overlap are left out."""
    from annotator.quality.aggregate_run import NothingToAggregate, run_aggregation
    from annotator.quality.aggregation import MODEL_NAMES

    store = Store(db_path, create=False, patience=PATIENCE_S)
    store.require_writable("aggregate")
    try:
        run = run_aggregation(store, model)
    except NothingToAggregate as err:
        raise click.ClickException(str(err)) from None
    if as_json:
        emit_json({"model": run.model, "units": run.units, "fixed_control_items": run.fixed_control,
                   "fixed_decisions": run.fixed_decisions, "mean_confidence": run.mean_confidence,
                   "iterations": run.iterations, "seconds": run.seconds,
                   "annotators": [{"annotator": name, "accuracy": accuracy, "labels": n, "confusion": confusion}
                                  for name, accuracy, n, confusion in run.annotators]})
        return
    rounds = f", {plural(run.iterations, 'EM round')}" if model != "majority" else ""
    click.echo(f"model: {MODEL_NAMES[model]}{rounds}")
    click.echo(f"units: {run.units} ({plural(run.fixed_control, 'control item')} and "
               f"{plural(run.fixed_decisions, 'review decision')} fixed at their label)")
    click.echo(f"mean confidence: {run.mean_confidence:.3f}")
    click.echo("estimated accuracy per annotator:")
    width = max(len(name) for name, *_ in run.annotators)
    for name, accuracy, n, _confusion in run.annotators:
        click.echo(f"  {name:<{width}}  {accuracy:.3f}  ({plural(n, 'label')})")
    click.echo(f"took {run.seconds:.2f} s")


@main.group()
def project():
    """The team project's settings: overlap, order of documents, the label scheme."""


@project.command("set")
@click.argument("key", metavar="KEY")
@click.argument("value")
@db_option
def project_set(key, value, db_path):
    """Set one of: overlap N|all (annotators per unit), order doc|random|uncertain, seed N
    (of the random order), retrain-every N (labels between model retrains)."""
    from annotator.team import SettingError, set_setting

    store = Store(db_path, create=False, patience=PATIENCE_S)
    try:
        click.echo(set_setting(store, key, value))
    except SettingError as err:
        raise click.ClickException(str(err)) from None


@project.command("show")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def project_show(db_path, as_json):
    """Print the project's settings."""
    from annotator.team import project_view

    view = project_view(Store(db_path, create=False))
    if as_json:
        emit_json(view)
    else:
        width = max(map(len, view)) + 1
        for key, value in view.items():
            click.echo(f"{key:<{width}} {value}")


@main.group()
def control():
    """Control items: units whose right label is known, mixed into the work to measure accuracy."""


def _control_rows(store: Store, path: str) -> list[tuple[int, str, str | None]]:
    """(sentence id, label, reason) of every row of a control file; every bad row is said on a line of
    its own (FILE:LINE: problem), and then the whole file is refused."""
    from annotator.label_import import jsonl_rows
    from annotator.model import InputError
    from annotator.quality.control import check_row

    project = scheme.get(store)
    rows, errors, seen, already = [], [], {}, 0
    try:
        for number, row in jsonl_rows(path):
            try:
                if isinstance(row, ValueError):
                    raise row
                doc, index, label, reason = check_row(row, project)
                sentence = store.sentence_at(doc, index) if index < 2**63 else None
                if sentence is None:
                    raise ValueError(f"unknown document {doc!r}" if store.document_id(doc) is None
                                     else f"document {doc!r} has no sentence at index {index}")
                if sentence.group_id in seen:
                    raise ValueError(f"the same unit as line {seen[sentence.group_id]}")
                seen[sentence.group_id] = number
                if _unit_taken(store, sentence.id, sentence.group_id, label):
                    already += 1
                else:
                    rows.append((sentence.id, label, reason))
            except ValueError as err:
                errors.append(f"{path}:{number}: {err}")
    except InputError as err:
        raise click.ClickException(str(err)) from None
    for line in errors:
        click.echo(f"error: {line}", err=True)
    if errors:
        raise click.ClickException(f"{path}: {plural(len(errors), 'bad row')}; no control item stored")
    if not rows and not already:
        raise click.ClickException(f"{path}: no rows; expected one JSON object per line with doc, index, label")
    return rows, already


def _unit_taken(store: Store, sentence_id: int, group_id: int, label: str, replace: bool = True) -> bool:
    """Is the sentence's unit a control item already, with this label? With `replace` (a control file
    restating its own item) the sentence's own item does not count, only one through another copy.
    ValueError naming that item when its label is another: a unit has one right label."""
    held = store.unit_control_item(group_id)
    if held is None or (replace and held[0] == sentence_id):
        return False
    ref = sentence_ref(held[1], held[2])
    if held[3] != label:
        raise ValueError(f"its unit already is control item {ref} ({held[3]}), not {label}")
    return True


def _added(added: int, replaced: int, where: str, already: int = 0, how: str = "through a copy") -> str:
    told = f"added {plural(added, 'control item')} {where}"
    notes = ([f"{replaced} already were: label and reason replaced"] if replaced else []) + (
        [f"{already} already a control item {how}"] if already else [])
    return told + (f" ({'; '.join(notes)})" if notes else "")


@control.command("add")
@click.argument("path", metavar="FILE.jsonl", type=click.Path())
@db_option
def control_add(path, db_path):
    """Add control items from a JSON Lines file: one object per line with doc (its name as stored),
    index (the sentence's, from 0), label and an optional reason. Nothing is stored when any row is bad."""
    store = Store(db_path, create=False, patience=PATIENCE_S)
    rows, already = _control_rows(store, path)
    added, replaced = store.add_control_items(rows, "file")
    click.echo(_added(added, replaced, f"from {path}", already))


@control.command("from-review")
@db_option
def control_from_review(db_path):
    """Make every unit with a live review decision (other than ambiguous) a control item: the decision's
    label, its comment as the reason."""
    store = Store(db_path, create=False, patience=PATIENCE_S)
    decided = store.decided_units()
    if not decided:
        raise click.ClickException(f"{db_path}: no review decisions yet (annotator review)")
    rows, errors, already = [], [], 0
    for sentence_id, label, note in decided:
        sentence = store.sentence(sentence_id)
        try:
            # a decision never rewrites a control item's label, not even the item on its own sentence:
            # the lead settles such a conflict by `control remove`, knowingly
            if _unit_taken(store, sentence_id, sentence.group_id, label, replace=False):
                already += 1
                continue
        except ValueError as err:
            errors.append(f"{sentence_ref(store.document(sentence.doc_id)[0], sentence.index)}: decided {label}, "
                          f"but {err}")
            continue
        rows.append((sentence_id, label, note))
    for line in errors:
        click.echo(f"error: {line}", err=True)
    if errors:
        raise click.ClickException(f"{db_path}: {plural(len(errors), 'decision')} against a control item; "
                                   "no control item stored")
    added, replaced = store.add_control_items(rows, "review")
    click.echo(_added(added, replaced, "from review decisions", already, "with that label"))


@control.command("list")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
def control_list(db_path, as_json):
    """List the control items: DOC:N (N from 1), index (from 0), label, answers right of answers given,
    where each came from (file or review) and its reason."""
    items = Store(db_path, create=False).control_items()
    if as_json:
        emit_json([{"doc": i["doc"], "index": i["index"], "ref": sentence_ref(i["doc"], i["index"]),
                    "label": i["label"], "reason": i["reason"], "origin": i["origin"], "answers": i["answers"],
                    "right": i["right"], "unit_label": i["unit_label"],
                    "conflicts": [sentence_ref(doc, index) for doc, index, _label in i["conflicts"]]} for i in items])
        return
    if not items:
        click.echo("no control items (add them: annotator control add FILE.jsonl, or control from-review)")
        return
    for i in items:
        click.echo(f"{sentence_ref(i['doc'], i['index'])}  index {i['index']}  {i['label']}  "
                   f"{i['right']}/{i['answers']} right  {i['origin']}" + (f"  {i['reason']}" if i["reason"] else "")
                   + _conflict_note(i))


def _conflict_note(item: dict) -> str:
    """What `control list` says of an item that shares its unit with an item of another label."""
    if not item["conflicts"]:
        return ""
    others = ", ".join(f"{sentence_ref(doc, index)} ({label})" for doc, index, label in item["conflicts"])
    return f"  CONFLICT: same unit as {others}; the unit counts as {item['unit_label']} (the earliest item)"


@control.command("remove")
@click.argument("ref", metavar="DOC:N", required=False)
@click.option("--all", "remove_all", is_flag=True, help="Remove every control item.")
@db_option
def control_remove(ref, remove_all, db_path):
    """Remove one control item (DOC:N, N from 1 as the list shows it) or --all. Its answers become
    ordinary labels again and count as votes."""
    if bool(ref) == remove_all:
        raise click.UsageError("give one control item as DOC:N, or --all")
    store = Store(db_path, create=False, patience=PATIENCE_S)
    ids = None
    if ref:
        sentence = resolve_sentence(store, ref)
        item = store.control_item_at(store.document(sentence.doc_id)[0], sentence.index)
        if item is None:
            raise click.ClickException(f"{ref}: not a control item")
        ids = [item]
    removed, released = store.remove_control_items(ids)
    to = "to it" if removed == 1 else "to them"
    click.echo(f"removed {plural(removed, 'control item')}"
               + (f"; {plural(released, 'answer')} {to} now count{'s' if released == 1 else ''} as votes"
                  if released else ""))


@control.command("lift")
@click.argument("name")
@db_option
def control_lift(name, db_path):
    """Lift the quality check's pause on an annotator (the lead's call): only their control answers
    from now on count toward a new pause."""
    from annotator.timestamps import now

    store = Store(db_path, create=False, patience=PATIENCE_S)
    if not store.has_labeled(name):
        raise click.ClickException(f"{db_path}: {name!r} has never labeled anything here: no pause to lift")
    paused = store.routing_pause(name)
    store.lift_pause(name, now())
    if paused is None:
        click.echo(f"{name} was not paused; their control answers from now on count toward a pause")
    else:
        answered, right = paused
        click.echo(f"lifted the pause on {name} ({right}/{answered} control answers were right); "
                   "only their answers from now on count toward a new pause")


@project.group("labels", invoke_without_command=True)
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def project_labels(ctx, db_path, as_json):
    """Show the project's label scheme: each label's name, key, colour, definition and examples, and the
    second question if it has one. `project labels set FILE` changes it."""
    if ctx.invoked_subcommand is not None:
        return

    current = scheme.get(Store(db_path, create=False))
    if as_json:
        emit_json(json.loads(current.to_json()))
        return
    click.echo(f"scheme {current.name}: {plural(len(current.labels), 'label')}")
    for label in current.labels:
        click.echo(f"  {label.key}  {label.name:<12} {label.colour:<16} {label.definition}")
        for example in label.examples:
            click.echo(f"       e.g. {example}")
    if current.second:
        answers = ", ".join(f"{a.key} {a.name}" for a in current.second.answers)
        click.echo(f"second question after {', '.join(current.second.when)}: {current.second.question} ({answers})")


@project_labels.command("set")
@click.argument("path", type=click.Path())
@db_option
@click.option("--map", "mapping", help="old=new,...: what the labels the new scheme drops become where they were given.")
def project_labels_set(path, db_path, mapping):
    """Set the project's label scheme from a TOML file (YAML too when PyYAML is installed): [[labels]]
    with name, key, colour, definition, examples; an optional [second] question. Adding labels is free;
    labels in use that the new scheme drops need --map, applied as new label events and decisions."""

    store = Store(db_path, create=False, patience=PATIENCE_S)
    try:
        new = scheme.load(path)
        mapped = scheme.set_scheme(store, new, scheme.parse_map(mapping))
    except scheme.SchemeError as err:
        shown = str(err)
        raise click.ClickException(shown if shown.startswith(f"{path}: ") else f"{path}: {shown}") from None
    click.echo(f"scheme {new.shown()} set")
    pairs = scheme.parse_map(mapping)
    for old, (labels, decisions) in mapped.items():
        click.echo(f"mapped {old} -> {pairs[old]}: {plural(labels, 'label')}, {plural(decisions, 'decision')} "
                   "(as new events)")


@main.group()
def guidelines():
    """The project's guidelines, a Markdown document kept in versions; each label records the version
    it was given under."""


@guidelines.command("set")
@click.argument("path", type=click.Path())
@db_option
def guidelines_set(path, db_path):
    """Store FILE.md as the guidelines' next version: labels given from now on record it."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")  # a byte-order mark is no part of the text
    except (OSError, UnicodeDecodeError) as err:
        raise click.ClickException(f"{path}: cannot read ({getattr(err, 'strerror', None) or err})") from None
    if not text.strip():
        raise click.ClickException(f"{path}: empty; the guidelines need some text")
    version, added = Store(db_path, create=False, patience=PATIENCE_S).add_guidelines(text)
    click.echo(f"guidelines version {version} set from {path}" if added
               else f"guidelines unchanged (version {version}): {path} has the current version's text")


@guidelines.command("show")
@db_option
@click.option("--version", "version", type=click.IntRange(1), help="That version (default: the current).")
def guidelines_show(db_path, version):
    """Print the guidelines (the current version, or --version N)."""
    found = Store(db_path, create=False).guidelines_text(version)
    if found is None:
        raise click.ClickException(f"{db_path}: no guidelines version {version}" if version else
                                   f"{db_path}: no guidelines yet (annotator guidelines set FILE.md)")
    click.echo(found[1].rstrip("\n"))


@guidelines.command("list")
@db_option
def guidelines_list(db_path):
    """List the guidelines' versions: when each was set, its size, the current labels given under it."""
    store = Store(db_path, create=False)
    given = store.labels_per_guidelines()
    for version, created_at, chars in store.guidelines_versions():
        click.echo(f"version {version}  {created_at}  {plural(chars, 'character')}  "
                   f"{plural(given.get(version, 0), 'label')} given under it")
    if given.get(None):
        click.echo(f"before any guidelines: {plural(given[None], 'label')}")


@main.command("next")
@db_option
@annotator_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: the document, null when the queue is "
              "empty, {\"paused\": true, ...} when the quality check paused you.")
def next_cmd(db_path, annotator_name, as_json):
    """Lease your next document (the one the annotation screen would open) and print its units to label.
    Exit status 0, also when nothing is left; 3 when the quality check paused your routing."""
    from annotator.quality.control import pause_message
    from annotator.team import next_document

    store = Store(db_path, create=False, patience=PATIENCE_S)
    _finish_pending_grouping(store)  # the units handed out are whole groups: copies joined first
    name = resolve_annotator(annotator_name)
    found = next_document(store, name)
    paused = store.routing_pause(name) if found is None else None
    if paused is not None:
        answered, right = paused
        if as_json:
            emit_json({"paused": True, "control_answers": answered, "right": right})
        else:
            click.echo(pause_message(answered, right))
        # a script looping on `next` must stop here, not take the pause for an empty queue
        raise SystemExit(PAUSED_EXIT)
    if as_json:
        emit_json(found)
    elif found is None:
        click.echo("your queue is empty: every unit has the annotators it needs")
    else:
        click.echo(f"{shown_path(found['doc'])}: {plural(found['units'], 'unit')} for you "
                   "(sentence numbers count from 1, as the screen and DOC:N do)")
        for s in found["sentences"]:
            click.echo(f"  {s['index'] + 1:>4}  {s['text']}")


@main.command("progress")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def progress_cmd(db_path, as_json):
    """The team's progress: per annotator units labeled and leased, labels per hour while active,
    agreement with gold decisions; the project's completion and the time left at the team's pace."""
    from annotator.team import format_progress, progress

    store = Store(db_path, create=False)
    _say_pending_grouping(store)
    report = progress(store)
    if as_json:
        emit_json(report)
    else:
        click.echo(format_progress(report))


@main.command("quality")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def quality_cmd(db_path, as_json):
    """Each annotator's accuracy against control items and against review decisions (95% Wilson
    interval, confusion matrix: rows expected, columns given), median seconds on screen per label and
    the share of labels given faster than reading allows; then the whole team."""
    from annotator.quality.accuracy import format_quality, quality_report

    report = quality_report(Store(db_path, create=False))
    if as_json:
        emit_json(report)
    else:
        click.echo(format_quality(report))


@main.command("sources")
@click.argument("source", required=False)
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--min-units", default=0, type=click.IntRange(0), help="Leave out sources with fewer units.")
@click.option("--sort", default="units", show_default=True,
              help="Largest first by this: units, originality, or the share of one of the scheme's labels.")
def sources_cmd(source, db_path, as_json, min_units, sort):
    """Per source (outlet): documents, sentences, units, labeled units, the share of each label (gold
    where decided, else the majority), originality (the share of its units it published first),
    the sources it copies from most, and agreement over its units. With SOURCE: its documents."""
    from annotator.sources import source_documents, source_table

    store = Store(db_path, create=False)
    if sort not in ("units", "originality", *scheme.labels(store)):
        raise click.ClickException(f"--sort {sort}: give units, originality or a label of the project's scheme "
                                   f"{scheme.get(store).shown()}")
    _say_pending_grouping(store)
    if source is not None:
        docs = source_documents(store, source)
        if not docs:
            raise click.ClickException(f"no documents from source {source!r} (annotator sources lists them)")
        if as_json:
            emit_json(docs)
            return
        for d in docs:
            click.echo(f"{d['published'] or '(undated)':<24} {shown_path(d['doc'])}  ({plural(d['sentences'], 'sentence')}"
                       + f", {d['language'] or 'language unknown'})" + (f"  {d['title']}" if d["title"] else ""))
        return
    rows = source_table(store, min_units, sort)
    if as_json:
        emit_json(rows)
        return
    pct = lambda x: "   -" if x is None else f"{100 * x:3.0f}%"  # noqa: E731
    languages = [_languages(r["languages"]) for r in rows]
    width = max(map(len, languages + ["languages"]))
    labels = scheme.labels(store)
    cells = [max(4, min(len(label), 8)) for label in labels]  # a share is 4 wide; a long label name is cut
    click.echo(f"{'source':<24} {'docs':>6} {'units':>7} {'labeled':>8}  "
               + " ".join(f"{label[:cell]:>{cell}}" for label, cell in zip(labels, cells))
               + f"  {'original':>8}  {'languages':<{width}}  copies from")
    for r, spoken in zip(rows, languages):
        shares = " ".join(f"{pct(r['labels'].get(k)):>{cell}}" for k, cell in zip(labels, cells))
        copies = ", ".join(f"{c['source']} ({c['units']})" for c in r["copies_from"])
        click.echo((f"{shown_path(r['source'] or '(none)')[:24]:<24} {r['documents']:>6} {r['units']:>7} {r['labeled_units']:>8}  "
                    f"{shares}  {pct(r['originality']):>8}  {spoken:<{width}}  {copies}").rstrip())
    click.echo(plural(len(rows), "source"))


def _languages(counts: dict, most: int = 4) -> str:
    """ "en 3, de 1" (documents per language, most first, "unknown" for those without one); past
    `most` languages the first few and "+N more" (sources --json lists them all), so the column
    stays narrow."""
    cells = [f"{code} {n}" for code, n in counts.items()]
    if len(cells) > most:
        cells = cells[: most - 1] + [f"+{len(cells) - most + 1} more"]
    return ", ".join(cells)


@main.command("suggest")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--no-evaluation", is_flag=True, help="Skip the cross-validation (faster).")
@click.option("--background", is_flag=True, hidden=True,
              help="As the annotation screen retrains: no evaluation, one core, lowest priority.")
def suggest_cmd(db_path, as_json, no_evaluation, background):
    """Train a model on the current labels and suggest a label for every unit nobody has labeled.

    Needs scikit-learn (pip install 'annotator[suggest]'). Reports cross-validated macro-F1 and
    per-label precision and recall beside the majority-class baseline."""
    from annotator.suggest import SuggestError, train_and_suggest

    if background:
        os.nice(19)
    store = Store(db_path, create=False, patience=PATIENCE_S)
    try:
        report = train_and_suggest(store, evaluate_model=not (no_evaluation or background), workers=1 if background else None)
    except SuggestError as err:
        raise click.ClickException(str(err)) from None
    if as_json:
        emit_json(report.as_json())
        return
    click.echo(f"model {report.model}: trained on {plural(report.trained_on, 'labeled unit')} "
               f"({', '.join(f'{k} {v}' for k, v in report.labels.items())})")
    ev = report.evaluation
    if ev is not None:
        click.echo(f"cross-validated macro-F1 {ev.macro_f1:.3f} (majority-class baseline {ev.baseline_macro_f1:.3f}, "
                   f"over {plural(ev.units, 'unit')})")
        for label, figures in ev.per_label.items():
            click.echo(f"  {label:<9} precision {figures['precision']:.3f}  recall {figures['recall']:.3f}  "
                       f"({plural(figures['units'], 'unit')})")
    click.echo(f"{plural(report.suggested, 'unit')} nobody has labeled got a suggestion")


@main.command("suggestions")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.option("--limit", type=click.IntRange(1), help="At most this many.")
@click.option("--order", type=click.Choice(["uncertain", "confident"]), default="uncertain", show_default=True,
              help="Least sure first, or most sure first.")
def suggestions_cmd(db_path, as_json, limit, order):
    """Units nobody has labeled, with their suggested label and its probability."""
    rows = Store(db_path, create=False).suggestion_rows(order, limit)
    if as_json:
        emit_json([{"doc": d, "index": i, "text": t, "label": label, "p": p, "source": source.split(":")[0]}
                   for d, i, t, label, p, source, _margin in rows])
        return
    for d, i, t, label, p, source, _margin in rows:
        click.echo(f"{label:<8} {p:.2f}  {sentence_ref(d, i)}  {t}" + ("  (rule)" if source.startswith("rule:") else ""))
    click.echo(plural(len(rows), "suggestion"))


@main.group()
def rules():
    """Rules that pre-label boilerplate as suggestions (never as a human label)."""


@rules.command("add")
@click.argument("pattern")
@click.option("--label", required=True, help="One of the project's labels (annotator project labels).")
@click.option("--regex", is_flag=True, help="PATTERN is a regular expression (else a phrase).")
@db_option
def rules_add(pattern, label, regex, db_path):
    """Add a rule: units containing PATTERN (case-insensitive) are suggested LABEL."""
    from annotator.suggest import SuggestError, add_rule

    store = Store(db_path, create=False, patience=PATIENCE_S)
    try:
        rule_id, matched = add_rule(store, pattern, label, regex)
    except SuggestError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"rule {rule_id}: {plural(matched, 'unit')} nobody has labeled suggested {label}")


@rules.command("list")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
def rules_list(db_path, as_json):
    """The rules, by id."""
    found = Store(db_path, create=False).rules()
    if as_json:
        emit_json([{"id": i, "pattern": p, "regex": r, "label": label} for i, p, r, label in found])
        return
    for i, p, r, label in found:
        click.echo(f"{i:>4}  {label:<8} {'regex ' if r else ''}{p}")
    if not found:
        click.echo("no rules")


@rules.command("remove")
@click.argument("rule_id", type=int)
@db_option
def rules_remove(rule_id, db_path):
    """Remove a rule and the suggestions it made."""
    store = Store(db_path, create=False, patience=PATIENCE_S)
    if not store.remove_rule(rule_id):
        raise click.ClickException(f"no rule {rule_id} (annotator rules list shows them)")
    click.echo(f"rule {rule_id} removed, with its suggestions")


@main.command("import-labels")
@click.argument("path", type=click.Path())
@db_option
def import_labels_cmd(path, db_path):
    """Load labels from a JSONL file: rows with doc, index, label, annotator (text, note, created_at optional;
    detail: the answer to the scheme's second question).

    A row whose document, sentence or label is unknown, or whose text does not match the stored
    sentence, is reported with its line number and skipped; the other rows are stored.
    """
    from annotator.label_import import import_labels
    from annotator.model import InputError

    store = Store(db_path, create=False, patience=PATIENCE_S)
    try:
        result = import_labels(store, path)
    except InputError as err:
        raise click.ClickException(str(err)) from None
    for line in result.errors:
        click.echo(f"error: {line}", err=True)
    replaced = (f", {result.replaced} given for sentences whose text has changed since (set aside by import "
                "--replace, not added again)" if result.replaced else "")
    flagged = f", {plural(result.flags, 'unit')} flagged as unsure" if result.flags else ""
    click.echo(f"{plural(result.added, 'label')} added{flagged}, {result.already} already present{replaced}, "
               f"{plural(len(result.errors), 'row')} skipped")
    if result.over_overlap:
        click.echo(f"{plural(result.over_overlap, 'label')} took a unit past the project's overlap: kept and marked "
                   "(agreement and exports leave them out unless --over-overlap)")
    if result.collapsed:
        shown = "; ".join(f"{' '.join(refs)} ({who})" for who, refs in result.collapsed[:5])
        more = f"; and {len(result.collapsed) - 5} more" if len(result.collapsed) > 5 else ""
        click.echo(f"{plural(len(result.collapsed), 'unit')} got different labels from one annotator "
                   f"(copies of one sentence are one unit); the latest label counts: {shown}{more}")
    if result.errors:
        sys.exit(1)


@main.command("export")
@click.option("--out", "out_path", required=True, type=click.Path(allow_dash=True),
              help="Output file (.jsonl, .csv or .parquet); - for standard output (JSON Lines unless --format csv).")
@db_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet"]), help="Default: from the file extension.")
@click.option("--mode", type=click.Choice(["gold", "majority", "all", "aggregated"]), default="gold", show_default=True,
              help="gold: decided or unanimous units; majority: the majority label with votes; all: every current label; "
                   "aggregated: the label and confidence of the last `annotator aggregate`.")
@click.option("--min-confidence", type=click.FloatRange(0, 1), metavar="P",
              help="aggregated: leave out units whose aggregated label has a posterior below P (0 to 1).")
@click.option("--split", help="Train/dev/test shares, e.g. 80/10/10: writes PATH.train/.dev/.test, stratified by label.")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of the split.")
@click.option("--split-by", type=click.Choice(["unit", "source"]), default="unit", show_default=True,
              help="source: each source's units wholly in one split (train, dev and test outlets disjoint).")
@click.option("--card", is_flag=True, help="Print the data card instead of writing datacard.md beside the data.")
@click.option("--csv-raw", is_flag=True, help="Write CSV cells as they are, even those a spreadsheet would run as formulas.")
@click.option("--excel", is_flag=True, help="CSV for Excel: UTF-8 with a byte-order mark (so accents and € show right), CRLF line ends.")
@click.option("--min-annotators", type=click.IntRange(1), show_default="the project's overlap, 1 with overlap all",
              help="gold: a unit without a review decision needs this many annotators who agree.")
@click.option("--language", help="Only units whose (original) document is in this language (en, de, pt-BR).")
@click.option("--over-overlap", is_flag=True,
              help="Also export labels given past a unit's overlap (a lapsed lease); left out by default.")
@click.option("--force", is_flag=True, help="Overwrite an existing SQLite file (never the database exported).")
@click.option("--map", "mapping", help="a=b,...: write the project's label a as b (another project's labels).")
def export_cmd(out_path, db_path, fmt, mode, split, seed, split_by, card, csv_raw, min_annotators, over_overlap,
               force, language, excel, mapping, min_confidence):
    """Export the labeled data as a dataset: one row per unit, near-duplicates never twice.

    Units in disagreement without a review decision, and units marked ambiguous, are left out of
    gold exports and counted on stderr.
    """
    from annotator.export import (ExportError, check_outputs, datacard, export, output_paths, stdout_format,
                                  to_stdout, with_card)
    from annotator.scheme import SchemeError, parse_map

    out = Path(out_path)
    card_path = out.with_name("datacard.md")
    # the rows on standard output: what the command says goes to stderr, and no card is written
    # (there is no folder to write it to; --card would print it among the rows)
    say = (lambda message: click.echo(message, err=True)) if to_stdout(out) else click.echo
    if not card and any(path.resolve() == card_path.resolve() for path in output_paths(out, split)):
        raise click.ClickException(f"{out}: is where the data card goes ({card_path}); choose another name or use --card")
    try:
        if to_stdout(out):
            stdout_format(fmt, split)
            if card:
                raise ExportError("--out - and --card: both would go to standard output; give --out a file name")
        else:
            check_outputs(output_paths(out, split) + ([] if card else [card_path]), db_path, force)
        store = Store(db_path, create=False)
        _say_pending_grouping(store)
        if min_annotators is None:
            min_annotators = store.project()["overlap"] or 1
        if split_by == "source" and not split:
            raise ExportError("--split-by source needs --split (e.g. --split 80/10/10)")
        if language is not None:
            from annotator.segment.identify import given

            try:
                code = given(language)
            except ValueError as err:
                raise ExportError(f"--language: {err}") from None
            if code is None:
                raise ExportError(f"--language: {language.strip()!r} names no one language; give one (such as en, de, pt-BR)")
            language = code
        report = export(store, out, fmt=fmt, mode=mode, split=split, seed=seed, csv_raw=csv_raw,
                        min_annotators=min_annotators, split_by=split_by, over_overlap=over_overlap,
                        force=force, language=language, excel=excel, mapping=parse_map(mapping),
                        min_confidence=min_confidence)
    except (ExportError, SchemeError) as err:
        raise click.ClickException(str(err)) from None
    except BrokenPipeError:  # `--out - | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error as Python exits
        sys.exit(1)
    except OSError as err:  # the output cannot be written: a full disk, no permission
        raise click.ClickException(f"{err.filename or out}: cannot write ({err.strerror})") from None
    for (_split, rows), path in zip(report.rows.items(), report.files):
        say(f"wrote {plural(rows, 'row')} to " + ("standard output" if to_stdout(path) else shown_path(path)))
    for reason, n in sorted(report.left_out.items()):
        click.echo(f"left out: {plural(n, 'unit')} {reason}", err=True)
    if sum(report.rows.values()) == 0:
        empty = "nothing was written" if to_stdout(out) else "the file is empty"
        if language is None:
            click.echo(f"note: no labeled units to export; {empty}", err=True)
        elif not store.documents_in_language(language):
            click.echo(f"note: no documents in language {language} (annotator stats lists the languages); "
                       f"{empty}", err=True)
        else:
            click.echo(f"note: no labeled units in language {language} to export; {empty}", err=True)
    card_text = datacard(report, mode=mode, db_path=db_path, split=split, seed=seed,
                         figures=report.votes.figures(), language=language)
    if card:
        click.echo(card_text)
    elif to_stdout(out):
        say("no data card written for --out - (give --out a file name to have one beside the data)")
    else:
        try:
            existing = card_path.read_text(encoding="utf-8") if card_path.is_file() else None
            card_path.write_text(with_card(existing, card_text), encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise click.ClickException(f"{card_path}: cannot write ({getattr(err, 'strerror', None) or err})") from None
        click.echo(f"wrote {card_path}")


@main.command("merge")
@click.argument("other", type=click.Path())
@db_option
def merge_cmd(other, db_path):
    """Merge the labels, notes, decisions, splits and joins of another database (an offline copy).

    The other file is opened read-only and checked first: a damaged file, or one that is not an
    annotator database (extra tables, views or triggers), is refused. Documents are matched by name,
    sentences by index and text; every event is added once, so merging the same copy twice changes
    nothing. All of it lands in one transaction, or none of it.
    """
    from annotator.merge import merge
    from annotator.store.foreign import ForeignDatabase

    if Path(other).resolve() == Path(db_path).resolve():
        raise click.ClickException(f"{other}: is the database itself")
    source = ForeignDatabase(other)
    store = Store(db_path, create=False, patience=PATIENCE_S)
    report = merge(store, source)
    added = ", ".join(plural(n, kind) for kind, n in sorted(report.added.items())) or "nothing new"
    click.echo(f"merged {other}: added {added}; {plural(report.undone, 'event')} marked undone; "
               f"{plural(report.edits, 'split or join', 'splits and joins')} carried")
    if report.over_overlap:
        click.echo(f"{plural(report.over_overlap, 'label')} given past the overlap in the copy, marked so here too "
                   "(agreement and exports leave them out unless --over-overlap)")
    for old, (labels, decisions) in report.mapped.items():
        click.echo(f"mapped {old} -> {scheme.get(store).retired_map()[old]} (a label the scheme retired, still current "
                   f"in the copy): {plural(labels, 'label')}, {plural(decisions, 'decision')} (as new events)")
    for reason, n in sorted(report.skipped.items()):
        click.echo(f"skipped {plural(n, 'event')} {reason}", err=True)


if __name__ == "__main__":
    main()
