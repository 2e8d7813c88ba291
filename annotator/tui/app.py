"""The Textual application: a thin layer over Session (annotate) and Review (review)."""

from __future__ import annotations

import gc

from textual.app import App

from annotator.store import Store


class AnnotatorApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "annotator"
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, store: Store, annotator: str, *, doc_name: str | None = None, mode: str = "annotate",
                 review_all: bool = False):
        super().__init__()
        self.store = store
        self.annotator = annotator
        self.doc_name = doc_name
        self.mode = mode
        self.review_all = review_all

    def on_mount(self) -> None:
        # everything built so far lives as long as the app: moving it out of the collector's sight
        # keeps full garbage collections (tens of milliseconds, at random keypresses) short
        gc.freeze()
        if self.mode == "review":
            from annotator.review import Review
            from annotator.tui.screens.review import ReviewScreen

            self.push_screen(ReviewScreen(Review(self.store, self.annotator, include_single=self.review_all)))
        else:
            from annotator.session import Session
            from annotator.tui.screens.annotate import AnnotateScreen

            self.push_screen(AnnotateScreen(Session(self.store, self.annotator, self.doc_name)))
