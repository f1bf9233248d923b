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
 * Arrow keys move focus along a row of buttons with one tab stop (a roving tabindex); Home and
 * End go to its ends.
 * @param {HTMLElement[]} nodes the row
 * @param {number} index the focused node's index
 * @param {KeyboardEvent} event the key pressed
 * @returns {boolean} whether the key moved the focus
 */
export function moveFocus(nodes, index, event) {
  const moves = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, Home: -nodes.length, End: nodes.length };
  if (!(event.key in moves)) return false;
  event.preventDefault();
  const next = Math.min(nodes.length - 1, Math.max(0, index + moves[event.key]));
  nodes[index].tabIndex = -1;
  nodes[next].tabIndex = 0;
  nodes[next].focus();
  return true;
}

const STEPS = { ArrowRight: [0, 1], ArrowLeft: [0, -1], ArrowDown: [1, 0], ArrowUp: [-1, 0] };

/**
 * One tab stop for a figure's cells (a roving tabindex, as in the ARIA grid pattern): Tab
 * reaches the last focused cell; the arrow keys move the focus a cell at a time (in a single
 * column, Left and Right move too), Home and End to the ends; Enter or Space, or a click, pins
 * the cell, so that it stays shown when the pointer leaves, and pins another in its place;
 * pressing them on the pinned cell, or Escape, unpins. The pinned cell has aria-pressed (a
 * button) or aria-selected (a grid cell) "true". What focus and hover show is the caller's.
 * @param {HTMLElement} container holds the cells; takes the key, click and focus listeners
 * @param {HTMLElement[][]} rows the cells, row by row (a list is one cell per row)
 * @param {{pin: function(HTMLElement): void, unpin: function(): void}} on what pinning and unpinning do
 * @returns {{pinned: function(): (HTMLElement|null), unpin: function(): void}}
 */
export function rovingGrid(container, rows, on) {
  const cells = rows.flat();
  const column = rows.every((row) => row.length === 1);
  let pinned = null;
  const state = (cell) => (cell.tagName === "BUTTON" ? "aria-pressed" : "aria-selected");
  cells.forEach((cell, i) => {
    cell.tabIndex = i === 0 ? 0 : -1;
    cell.setAttribute(state(cell), "false");
  });
  const setPin = (cell) => {
    pinned = cell;
    cells.forEach((node) => node.setAttribute(state(node), String(node === cell)));
    if (cell) on.pin(cell);
    else on.unpin();
  };
  container.addEventListener("focusin", (event) => {
    if (cells.includes(event.target)) cells.forEach((node) => { node.tabIndex = node === event.target ? 0 : -1; });
  });
  container.addEventListener("click", (event) => {
    const cell = cells.find((node) => node.contains(event.target));
    if (cell) setPin(pinned === cell ? null : cell);
  });
  container.addEventListener("keydown", (event) => {
    const r = rows.findIndex((row) => row.includes(event.target));
    if (r < 0) return;
    const c = rows[r].indexOf(event.target);
    const key = column ? { ArrowRight: "ArrowDown", ArrowLeft: "ArrowUp" }[event.key] ?? event.key : event.key;
    let next = null;
    if (key in STEPS) {
      const row = Math.min(rows.length - 1, Math.max(0, r + STEPS[key][0]));
      next = rows[row][Math.min(rows[row].length - 1, Math.max(0, c + STEPS[key][1]))];
    } else if (key === "Home" || key === "End") {
      const line = column ? cells : rows[r];
      next = key === "Home" ? line[0] : line[line.length - 1];
    } else if (key === "Escape" && pinned) {
      setPin(null);
    } else if ((key === "Enter" || key === " ") && event.target.tagName !== "BUTTON") {
      setPin(pinned === event.target ? null : event.target); // a button clicks itself
    } else {
      return;
    }
    event.preventDefault();
    next?.focus();
  });
  return { pinned: () => pinned, unpin: () => setPin(null) };
}
