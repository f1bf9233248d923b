// The base of every explorable: load the figure's JSON once, build the interactive view,
// swap it in for the static fallback. Subclasses implement build() → a DOM node. Outside an
// ecco-build page a figure renders into a shadow root styled by css/ecco-embed.css alone.
import { hydrate, loadData, showError } from "./data.js";
import { paletteChanged } from "./palette.js";

const sheets = {};

const ENTRY = /js\/(components\/)?ecco[\w-]*\.js([?#].*)?$/;
/**
 * A standalone figure's stylesheet (css/ecco-embed.css, or a lazily loaded component's own),
 * fetched once: static/css/ beside the static/js/ that the page's <script src> loaded ecco.js
 * (or a component) from.
 * @param {string} name the sheet's file name
 * @returns {Promise<CSSStyleSheet>}
 */
export function embedSheet(name) {
  const script = [...document.scripts].find((s) => ENTRY.test(s.src));
  if (!script) return Promise.reject(new Error("no <script src=…/ecco.js> to find its stylesheet by"));
  sheets[name] ??= fetch(script.src.replace(ENTRY, `css/${name}`)).then(async (response) => {
    if (!response.ok) throw new Error(`could not load its stylesheet: HTTP ${response.status}`);
    const scoped = new CSSStyleSheet();
    scoped.replaceSync(await response.text());
    return scoped;
  });
  return sheets[name];
}

// Whether a figure stands alone: it has a src, or ecco-build did not write the page.
function standalone(element) {
  return element.hasAttribute("src") || !document.querySelector('meta[name="generator"][content^="ecco-build"]');
}

// "code" or "prose", as ecco_build/kinds/tokens.py text_style decides.
function textStyle(tokens) {
  return /\n[ \t]/.test(tokens.map((token) => token.text).join("")) ? "code" : "prose";
}

/**
 * The base class of the figure elements. A subclass implements `build()`, which returns the
 * interactive view made from `this.data`, and may implement `ready()`, called once the view
 * is in the page. A standalone figure follows the reader's colour scheme or its theme
 * attribute ("light" or "dark").
 */
export class EccoElement extends HTMLElement {
  static observedAttributes = ["theme"];

  /** Load the data, build the view and swap it in (once, however often it is connected). */
  async connectedCallback() {
    if (this.view || this.loading) return;
    this.loading = true;
    if (standalone(this)) this.scope();
    try {
      const names = ["ecco-embed.css", ...(this.constructor.sheets ?? [])]; // a lazy component's own too
      const styled = this.embedRoot && Promise.all(names.map(embedSheet)).then((s) => { this.shadowRoot.adoptedStyleSheets = s; });
      [this.data] = await Promise.all([loadData(this), styled]);
      if (this.embedRoot) this.embedRoot.dataset.text ??= textStyle(this.data.result.tokens ?? []);
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

  /** Render into a shadow root: a wrapper (this.embedRoot) shows "Loading" and any fallback. */
  scope() {
    const root = this.shadowRoot ?? this.attachShadow({ mode: "open" });
    this.embedRoot = document.createElement("div");
    this.embedRoot.className = "ecco-root";
    Object.assign(this.embedRoot.dataset, this.dataset); // data-text, data-view
    this.embedRoot.innerHTML = '<p class="ecco-loading" role="status">Loading figure…</p><slot></slot>';
    root.replaceChildren(this.embedRoot);
  }

  /** The theme attribute changed: paint again. */
  attributeChangedCallback() {
    if (this.embedRoot) paletteChanged();
  }

  /**
   * One tab stop for the output tokens (this.outputs, each with data-step), as rovingGrid; the
   * pinned one (this.pinned) stays selected (this.select) when the pointer leaves the line.
   * @param {HTMLElement} line the running text that holds them
   */
  pinOutputs(line) {
    rovingGrid(line, this.outputs.map((node) => [node]), {
      pin: (node) => this.select((this.pinned = Number(node.dataset.step))),
      unpin: () => { this.pinned = null; },
    });
    line.addEventListener("pointerleave", () => this.select(this.pinned ?? 0));
  }
}

const STEPS = { ArrowRight: [0, 1], ArrowLeft: [0, -1], ArrowDown: [1, 0], ArrowUp: [-1, 0] };

/**
 * One tab stop for a figure's cells (a roving tabindex, as in the ARIA grid pattern): the arrow
 * keys move the focus a cell at a time (in a single column, Left and Right too), Home and End to
 * the ends; Enter, Space or a click pins the cell (it stays shown when the pointer leaves) or, on
 * the pinned cell, unpins, as Escape does. The pinned cell has aria-pressed (a button or
 * role="button") or aria-selected "true". What focus and hover show is the caller's.
 * @param {HTMLElement} container holds the cells; takes the key, click and focus listeners
 * @param {HTMLElement[][]} rows the cells, row by row (a list is one cell per row)
 * @param {{pin: function(HTMLElement): void, unpin: function(): void}} on what pinning and unpinning do
 * @returns {{pinned: function(): (HTMLElement|null), unpin: function(): void}}
 */
export function rovingGrid(container, rows, on) {
  const cells = rows.flat();
  const column = rows.every((row) => row.length === 1);
  let pinned = null;
  const state = (cell) => (cell.tagName === "BUTTON" || cell.getAttribute("role") === "button" ? "aria-pressed" : "aria-selected");
  cells.forEach((cell, i) => {
    cell.tabIndex = i === 0 ? 0 : -1;
    // Until a pin, only where the role takes the state (a toggle button, a grid's cell).
    if (cell.tagName === "TD" || state(cell) === "aria-pressed") cell.setAttribute(state(cell), "false");
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
