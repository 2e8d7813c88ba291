// The terminal takes keys as soon as the screen appears, as a terminal window does: no click
// first. A click that only brings the page to the front (the window did not have focus: it loaded
// behind another, or lost focus since) gives the terminal focus and is not passed on to the screen,
// where it would select whatever sentence lay under the pointer. A click on a page that already had
// focus (keys reached it) is an ordinary click and selects the sentence under it.
(function () {
  let focusClick = true;
  let swallowRest = false;

  function terminalInput() {
    return document.querySelector(".textual-terminal .xterm-helper-textarea");
  }

  function focusTerminal() {
    const input = terminalInput();
    if (input) input.focus();
  }

  // textual.js opens the terminal in its window.onload, assigned before this script runs
  window.addEventListener("load", () => {
    focusTerminal();
    focusClick = !document.hasFocus();
    document.getElementById("restart").addEventListener("click", () => window.location.reload());
  });
  window.addEventListener("blur", () => { focusClick = true; });
  // a key can only arrive in a window that has focus: the next click is no focusing click
  window.addEventListener("keydown", () => { focusClick = false; }, true);

  window.addEventListener("mousedown", (event) => {
    swallowRest = false;
    if (!focusClick || !event.target.closest(".textual-terminal")) return;
    focusClick = false;
    swallowRest = true;
    event.preventDefault();
    event.stopImmediatePropagation();
    focusTerminal();
  }, true);
  for (const kind of ["mouseup", "click"]) {
    window.addEventListener(kind, (event) => {
      if (!swallowRest) return;
      if (kind === "click") swallowRest = false;
      event.preventDefault();
      event.stopImmediatePropagation();
    }, true);
  }
})();
