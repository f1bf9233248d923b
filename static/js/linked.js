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
 * Pin output `index` in every other figure linked to `figure` that has the same token there.
 * @param {HTMLElement} figure the figure whose output token was pinned
 * @param {number} index
 */
function follow(figure, index) {
  const token = figure.dataset.outputs.split(" ")[index];
  for (const other of document.querySelectorAll(`.ecco-figure[data-link="${figure.dataset.link}"]`)) {
    if (other === figure || other.dataset.outputs.split(" ")[index] !== token) continue;
    const node = nodeFor(other, index);
    if (!node || isPinned(node)) continue;
    linking = true;
    try {
      node.click(); // the figure's own pin, as a reader's click would do it
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
  setTimeout(() => {
    if (isPinned(node)) follow(/** @type {HTMLElement} */ (figure), outputIndex(/** @type {HTMLElement} */ (node)));
  }, 0);
}

document.addEventListener("click", (event) => passOn(event.target));
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" || event.key === " ") passOn(event.target);
});
