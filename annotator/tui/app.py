"""The Textual application: a thin layer over Session (annotate) and Review (review)."""

from __future__ import annotations

import asyncio
import gc
import os

from textual.app import App

from annotator.store import Store
from annotator.tui import preferences
from annotator.wording import plural
from annotator.writer import BackgroundWriter, ImmediateWriter, disk_full_notice


class AnnotatorApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "annotator"
    # ctrl+p: Textual's command palette, with its theme picker; the chosen theme is remembered per user
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, store: Store, annotator: str, *, doc_name: str | None = None, mode: str = "annotate",
                 review_all: bool = False, training: bool = False, timer=None, review_order: str = "split"):
        """`training`: serve control items only (TrainingSession); `timer`: the session's monotonic clock in
        seconds (time.monotonic unless a test gives its own); `review_order`: "split" or "uncertain"."""
        super().__init__()
        self.training = training
        self.timer = timer
        self.store = store
        self.annotator = annotator
        self.doc_name = doc_name
        self.mode = mode
        self.review_all = review_all
        self.review_order = review_order  # review.REVIEW_ORDERS
        self.writer = None
        self._loop = None
        self.retrainer = None
        self._quitting = False  # `q` was pressed and waits for writes to land
        # what the screen's writes are called in its notices
        self.unsaved_noun = "decision" if mode == "review" else "label"

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None,
               markup: bool = True) -> None:
        """Every toast is plain text, whatever the caller asks: toasts carry sentences, names, sources
        and error messages, and a `[` in them must show as written."""
        kwargs = {} if timeout is None else {"timeout": timeout}
        # a burst of keys (v v v) stacked toasts down over the status line: of the passing news only
        # the latest stays beside the new one; warnings and errors stay their time
        passing = [n for n in self._notifications if n.severity == "information"]
        for stale in passing[:-1]:
            del self._notifications[stale]
        super().notify(message, title=title, severity=severity, markup=False, **kwargs)

    def _unnotify(self, notification, refresh: bool = True) -> None:
        """A toast went: Textual left its cells drawn over the text until a line beneath was redrawn,
        so the rack is refreshed (it hides when empty) and the screen repainted once the toast is gone."""
        super()._unnotify(notification, refresh=True)
        self.call_after_refresh(self.screen.refresh)

    def get_system_commands(self, screen):
        """The palette offers the screen's own commands first. Textual's "Quit" is left out: it quits
        at once, while `q` (listed among the screen's) waits for the writes still landing."""
        from annotator.tui.bindings import screen_commands

        yield from screen_commands(screen)
        yield from (command for command in super().get_system_commands(screen) if command.title != "Quit")

    def _start_writer(self):
        """Writes go to a thread of their own: the screen never waits for the database."""
        if self.store.path == ":memory:":
            return ImmediateWriter(self.store)
        self._loop = asyncio.get_running_loop()

        def later(callback):  # from the writer's thread into the app's loop, without waiting
            return lambda *args: self._loop.call_soon_threadsafe(callback, *args)

        return BackgroundWriter(self.store.path, on_landed=later(self._landed), on_waiting=later(self._waiting),
                                on_failed=later(self._failed), on_full=later(self._disk_full),
                                on_room=later(self._room_again))

    def _landed(self, key, waited: float) -> None:
        if not self.screen_stack:  # the screen has closed meanwhile
            return
        landed = self._writing_screen("write_landed")
        if landed:
            landed(key)
        if waited:
            self.notify(f"Saved, after waiting {waited:.0f} s for the database.", timeout=4)

    def _waiting(self, key, waited: float) -> None:
        self.notify(f"Still saving: the database has been busy for {waited:.0f} s (an import?). Keep going; "
                    "your labels are kept and land as soon as it is free.", severity="warning", timeout=6)

    def _failed(self, key, message: str) -> None:
        self.notify(f"Not saved: {message}", severity="error", timeout=10)

    def _saving_changed(self) -> None:
        if not self.screen_stack:
            return
        changed = self._writing_screen("saving_changed")
        if changed:
            changed()

    def _writing_screen(self, method: str):
        """`method` of the screen whose writes these are: the topmost that has it, so a write landing while
        a dialog is open over it (a note, the second question) still shows, and its session learns it."""
        return next((getattr(screen, method) for screen in reversed(self.screen_stack) if hasattr(screen, method)),
                    None)

    def _disk_full(self, _pending: int, _message: str) -> None:
        # the count now, not when the writer found the disk full: labels given since are waiting too
        self.notify(disk_full_notice(self.writer.pending, self.unsaved_noun), severity="error", timeout=30)
        self._saving_changed()
        if self._quitting:
            self._ask_to_quit()

    def _room_again(self, kept: int) -> None:
        self.notify(f"Saved: {plural(kept, self.unsaved_noun)} kept while the disk was full "
                    f"{'is' if kept == 1 else 'are'} stored now.", timeout=8)
        self._saving_changed()
        if self._quitting:
            self.exit()

    def quit_when_saved(self) -> None:
        """Quit once every write has landed, saying so if some are still on their way. While the disk
        is full they may never land: the user is told that quitting loses them, and chooses."""
        pending = self.writer.pending if self.writer else 0
        if not pending:
            self.exit()
            return
        self._quitting = True
        if self.writer.full:
            self._ask_to_quit()
            return
        self.notify(f"Saving {plural(pending, 'change')} before quitting...", timeout=30)

        def wait() -> None:
            self._loop.call_soon_threadsafe(self.exit if self.writer.settle() else self._ask_to_quit)

        self.run_worker(wait, thread=True, exclusive=True)

    def _ask_to_quit(self) -> None:
        from annotator.tui.screens.quit_unsaved import QuitUnsavedScreen

        if not self._quitting or isinstance(self.screen, QuitUnsavedScreen):  # asked already, or answered
            return

        def chosen(quit_now: bool | None) -> None:
            if quit_now:
                self.exit()
            else:
                self._quitting = False

        self.push_screen(QuitUnsavedScreen(self.writer.pending, self.unsaved_noun), chosen)

    def close_writer(self) -> int:
        """Stop the writer once its writes land (not waiting for a full disk). Returns how many writes
        were not saved."""
        lost = 0
        if self.writer is not None and not self.writer.close():
            lost = self.writer.given_up
        if self.retrainer is not None:
            self.retrainer.stop()
        return lost

    def labeled(self) -> None:
        """A label was given: every `retrain-every` labels the model retrains in the background."""
        if self.retrainer is not None and self.retrainer.labeled():
            self.notify("Retraining the suggestion model in the background.", timeout=3)

    def _check_retrain(self) -> None:
        if self.retrainer is not None and self.retrainer.finished():
            updated = getattr(self.screen, "suggestions_updated", None)
            if updated:
                updated()

    def _restore_theme(self) -> None:
        """$TEXTUAL_THEME wins; else the theme this user chose last time."""
        if not os.environ.get("TEXTUAL_THEME"):
            theme = preferences.saved_theme()
            if theme in self.available_themes:
                self.theme = theme
        self.theme_changed_signal.subscribe(self, lambda theme: preferences.save_theme(theme.name))

    def on_mount(self) -> None:
        self._restore_theme()
        # everything built so far lives as long as the app: moving it out of the collector's sight
        # keeps full garbage collections (tens of milliseconds, at random keypresses) short
        gc.freeze()
        if self.mode == "review":
            from annotator.review import Review
            from annotator.tui.screens.review import ReviewScreen

            self.writer = self._start_writer()
            self.push_screen(ReviewScreen(Review(self.store, self.annotator, include_single=self.review_all,
                                                 writer=self.writer, order=self.review_order)))
        else:
            from annotator.session import Session
            from annotator.tui.screens.annotate import AnnotateScreen

            from annotator.retrain import Retrainer

            self.writer = self._start_writer()
            timer = {"timer": self.timer} if self.timer else {}
            if self.training:
                from annotator.training import TrainingSession

                session = TrainingSession(self.store, self.annotator, writer=self.writer, **timer)
            else:
                session = Session(self.store, self.annotator, self.doc_name, writer=self.writer, **timer)
            self.push_screen(AnnotateScreen(session))
            if self.store.path != ":memory:":
                self.retrainer = Retrainer(self.store.path, self.store.project()["retrain_every"])
                self.set_interval(2.0, self._check_retrain)
