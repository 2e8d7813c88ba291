// The terminal takes keys as soon as the screen appears, as a terminal window does: no click
// first. A click that only brings the page to the front (the first after the page loads, or after
// the window lost focus) gives the terminal focus and is not passed on to the screen, where it
// would select whatever sentence lay under the pointer.
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
    document.getElementById("restart").addEventListener("click", () => window.location.reload());
  });
  window.addEventListener("blur", () => { focusClick = true; });

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
