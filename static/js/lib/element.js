// The base of every explorable: load the figure's JSON once, build the interactive view,
// swap it in for the static fallback. Subclasses implement build() → a DOM node.
import { hydrate, loadData, showError } from "./data.js";

/**
 * The base class of the figure elements. A subclass implements `build()`, which returns the
 * interactive view made from `this.data`, and may implement `ready()`, called once the view
 * is in the page.
 */
export class EccoElement extends HTMLElement {
  /** Load the data, build the view and swap it in (once, however often it is connected). */
  async connectedCallback() {
    if (this.view || this.loading) return;
    this.loading = true;
    try {
      this.data = await loadData(this);
      this.view = this.build();
    } catch (error) {
      showError(this, error);
      return;
    } finally {
      this.loading = false;
    }
    hydrate(this, this.view);
    this.ready?.();
  }

  /**
   * For figures with selectable output tokens (this.outputs, this.select): click pins a
   * selection so that it stays when the pointer leaves; clicking it again unpins.
   * @param {number} step the output token's index
   */
  pin(step) {
    this.pinned = this.pinned === step ? null : step;
    this.outputs.forEach((node, i) => node.setAttribute("aria-pressed", String(i === this.pinned)));
    this.select(step);
  }
}

/**
 * Arrow keys move focus along a row of buttons with one tab stop (a roving tabindex).
 * @param {HTMLElement[]} nodes the row
 * @param {number} index the focused node's index
 * @param {KeyboardEvent} event the key pressed
 * @returns {boolean} whether the key moved the focus
 */
export function moveFocus(nodes, index, event) {
  const moves = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
  if (!(event.key in moves)) return false;
  event.preventDefault();
  const next = Math.min(nodes.length - 1, Math.max(0, index + moves[event.key]));
  nodes[index].tabIndex = -1;
  nodes[next].tabIndex = 0;
  nodes[next].focus();
  return true;
}
