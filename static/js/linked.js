// Linked figures: the figures of one article on the same prompt and model (the same data-link,
// written by ecco_build/render/figures.py `linked`) share the selected output token. Pin output
// token k in one figure (click, tap, Enter or Space) and every linked figure pins its own output
// token k, where its output token there is the same token (data-outputs): the generate figure
// shows k's candidates, the saliency figure k's attribution, the rankings heatmap marks column k.
// A directive opts out with `:link: false`. Loaded by article pages only, not by the embeddable
// entry module ecco.js: an embedded figure stands alone.

const SELECTABLE = "[data-step], td[data-column]";
let linking = false; // true while this module pins figures itself: those pins are not passed on

/**
 * The output index a selectable node stands for (data-step in generate and saliency, the
 * heatmap's data-column in rankings).
 * @param {HTMLElement} node
 * @returns {number}
 */
function outputIndex(node) {
  return Number(node.dataset.step ?? node.dataset.column);
}

/**
 * Whether a node is the pinned one of its figure.
 * @param {Element} node
 * @returns {boolean}
 */
function isPinned(node) {
  return node.getAttribute("aria-pressed") === "true" || node.getAttribute("aria-selected") === "true";
}

/**
 * The node of `figure` that stands for output index `index`: a token step, or the top layer's
 * cell of a heatmap column (the first in document order).
 * @param {Element} figure
 * @param {number} index
 * @returns {HTMLElement | null}
 */
function nodeFor(figure, index) {
  return figure.querySelector(`[data-step="${index}"]`) ?? figure.querySelector(`td[data-column="${index}"]`);
}

/**
 * The pinned output node of a figure, if any.
 * @param {Element} figure
 * @returns {HTMLElement | null}
 */
function pinnedIn(figure) {
  return figure.querySelector('[aria-pressed="true"][data-step], td[aria-selected="true"][data-column]');
}

/**
 * Pin (or, with `pin` false, unpin) output `index` in every other figure linked to `figure`
 * that has the same token there, by the figure's own click handling, as a reader's click would.
 * @param {HTMLElement} figure the figure whose output token was pinned or unpinned
 * @param {number} index
 * @param {boolean} pin
 */
function follow(figure, index, pin) {
  const token = figure.dataset.outputs.split(" ")[index];
  for (const other of document.querySelectorAll(`.ecco-figure[data-link="${figure.dataset.link}"]`)) {
    if (other === figure || other.dataset.outputs.split(" ")[index] !== token) continue;
    const pinned = pinnedIn(other);
    const node = pin ? nodeFor(other, index) : pinned;
    if (!node || (pin ? isPinned(node) : outputIndex(node) !== index)) continue;
    linking = true;
    try {
      node.click(); // a click on an unpinned node pins it, on the pinned one unpins it
    } finally {
      linking = false;
    }
  }
}

/**
 * After a figure has handled a reader's pin, pass it on to the linked figures.
 * @param {EventTarget | null} target the node the reader clicked, tapped or pressed a key on
 */
function passOn(target) {
  if (linking || !(target instanceof Element)) return;
  const node = target.closest(SELECTABLE);
  const figure = node?.closest(".ecco-figure[data-link]");
  if (!node || !figure) return;
  const index = outputIndex(/** @type {HTMLElement} */ (node));
  setTimeout(() => follow(/** @type {HTMLElement} */ (figure), index, isPinned(node)), 0);
}

/**
 * Escape unpins whatever its figure had pinned (not necessarily the focused node): note that
 * node before the figure handles the key, and unpin its index in the linked figures after.
 * @param {EventTarget | null} target
 */
function onEscape(target) {
  const figure = target instanceof Element ? target.closest(".ecco-figure[data-link]") : null;
  const pinned = figure ? pinnedIn(figure) : null;
  if (linking || !figure || !pinned) return;
  setTimeout(() => {
    if (!isPinned(pinned)) follow(/** @type {HTMLElement} */ (figure), outputIndex(pinned), false);
  }, 0);
}

document.addEventListener("click", (event) => passOn(event.target));
document.addEventListener(
  "keydown",
  (event) => {
    if (event.key === "Enter" || event.key === " ") passOn(event.target);
    if (event.key === "Escape") onEscape(event.target);
  },
  true, // before the figure's own handler, so Escape sees what was pinned
);
