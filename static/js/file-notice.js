// Opened from disk (file://), the browser refuses the figures' module scripts, so every figure
// stays static. This classic script (which file:// does run: the policy's 'self' allows it)
// says so under each figure that did not become interactive, and how to get the interactive
// version. Over http it does nothing; `ecco-build export` leaves it out.
(() => {
  if (location.protocol !== "file:") return;

  /**
   * The notice's paragraph: text and <code> pieces, built without HTML parsing.
   * @returns {HTMLParagraphElement}
   */
  function notice() {
    const note = document.createElement("p");
    note.className = "ecco-file-notice";
    note.setAttribute("role", "note");
    const pieces = [
      "This figure is interactive when the site is served over http (run ",
      ["ecco-build serve"],
      ", or publish it) or exported as one file (",
      ["ecco-build export"],
      "). Opened from disk, your browser blocks its script, so the static version is shown.",
    ];
    for (const piece of pieces) {
      if (typeof piece === "string") {
        note.append(piece);
      } else {
        const code = document.createElement("code");
        code.textContent = piece[0];
        note.append(code);
      }
    }
    return note;
  }

  /**
   * Add the notice to a figure that is still static, and take it away if the figure
   * hydrates later (browsers that do run modules from disk).
   * @param {HTMLElement} element the figure element (.ecco-explorable)
   */
  function mark(element) {
    if (element.classList.contains("is-hydrated")) return;
    const note = notice();
    element.append(note);
    const watch = new MutationObserver(() => {
      if (!element.classList.contains("is-hydrated")) return;
      note.remove();
      watch.disconnect();
    });
    watch.observe(element, { attributes: true, attributeFilter: ["class"] });
  }

  // After "load", a figure whose module ran has hydrated from its inline data.
  window.addEventListener("load", () => {
    document.querySelectorAll(".ecco-explorable").forEach(mark);
  });
})();
