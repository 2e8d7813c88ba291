"""The base of every dialog: a modal screen that closes once."""

from __future__ import annotations

from typing import Generic, TypeVar

from textual.screen import ModalScreen

Result = TypeVar("Result")


class Dialog(ModalScreen[Result], Generic[Result]):
    """A modal screen whose dismiss acts once.

    Keys that arrive in one burst (a laggy SSH link, a browser's websocket message) can submit a
    dialog twice before it is gone; Textual's dismiss calls the result callback and pops whatever
    screen is on top each time, so the second took the annotation or review screen with it and left
    a blank window that no key answered."""

    _answered = False

    def dismiss(self, result: Result | None = None):
        if self._answered:
            return None
        self._answered = True
        return super().dismiss(result)
