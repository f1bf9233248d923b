// <ecco-compare>: one figure, one panel per model (ecco_build/render/compare.py). Pin a token in
// one panel (click, tap, Enter or Space) and every other panel pins the same token, by a click on
// its node as a reader's would be; Escape or a second click unpins them all. "The same token" is
// ecco_build/kinds/compare.py's rule: equal anchors (the same text up to the token's end, ending
// at the same character). A panel without it pins nothing and says so under its title. For
// saliency, each difference view (share in b − share in a) follows the pinned output token.
// With a src (a page that ecco-build did not write) it fetches the comparison's JSON and builds
// the panels itself, in a shadow root; the panel elements stay light children (slotted), so
// ecco.js imports their components, and each fetches its model's data file.
//
// What links, by kind: generate and saliency, the output tokens (data-step); rankings, the
// heatmap's columns (td[data-column], the same layer where the other model has it, else its top
// layer); attention, the token positions (data-position); rankings-watch, the watched token of
// the same text; layer-predictions, the candidate of the same text (its top layer's cell, so the
// other panel shows that token's trajectory too). Hover is not mirrored: only pins are linked.
// Pins here are not passed to other figures: the comparison figure has no data-link (linked.js).
import { fetchJson, hydrate, showError } from "../lib/data.js";
import { EccoElement, embedSheet, rovingGrid } from "../lib/element.js";
import { diverging, divergingGradient, legend, paint } from "../lib/scale.js";
import { display, tokenNode } from "../lib/tokens.js";

/** @typedef {import("../lib/types.js").Token} Token */

/**
 * One model's panel, as the figure's markup (data-anchors, data-outputs) or the comparison's
 * JSON gives it.
 * @typedef {object} Panel
 * @property {string} model the model's alias
 * @property {HTMLElement} element the panel's figure element (<ecco-saliency>, …)
 * @property {HTMLElement} section the panel: its title, then its status line, then the element
 * @property {HTMLElement} status the line that says when the panel has no counterpart
 * @property {string[]} anchors one per token, prompt and output
 * @property {string[]} outputs the anchor of each output step (data-step, data-column)
 * @property {(string|null)} key what the panel has pinned (see Link), null when nothing
 */

/**
 * A difference view's data (ecco_build/kinds/compare.py difference): per row, an output token
 * both panels explain (a_step in a, b_step in b), the text before it in segments, and for each
 * method each segment's share in a, in b, and b − a.
 * @typedef {object} Difference
 * @property {string} a the first model's alias
 * @property {string} b the other model's alias
 * @property {string[]} methods
 * @property {{a_step: number, b_step: number, output: Token, segments: Token[],
 *   methods: Object<string, {a: number[], b: number[], diff: number[]}>}[]} rows
 * @property {number} unmatched a's output tokens without a row
 */

/**
 * How a kind's panels are linked: `pinned` selects a panel's pinned node; `key` says what a node
 * stands for (an anchor, or a token's text); `find` is another panel's node for a key (null: it
 * has none); `missing` says why not. Kinds not listed (factors) are not linked.
 * @typedef {object} Link
 * @property {string} pinned
 * @property {function(Panel, HTMLElement): (string|undefined)} key
 * @property {function(Panel, string, HTMLElement): (HTMLElement|null)} find
 * @property {function(Panel, string, Panel): string} missing
 */

/**
 * The figure element's root: its shadow root when it renders into one.
 * @param {Panel} panel
 * @returns {ParentNode}
 */
function root(panel) {
  return panel.element.shadowRoot ?? panel.element;
}

/**
 * The heatmap cell of column j: in the layer of `from` where there is one, else the top layer.
 * @param {Panel} panel
 * @param {number} j
 * @param {HTMLElement} from the pinned cell of the other panel
 * @returns {HTMLElement|null}
 */
function cell(panel, j, from) {
  if (j < 0) return null;
  const layer = from?.dataset.layer ?? "";
  return root(panel).querySelector(`td[data-column="${j}"][data-layer="${CSS.escape(layer)}"]`) ?? root(panel).querySelector(`td[data-column="${j}"]`);
}

/**
 * A token's text up to its end, and the token, in a panel: where its anchor is (null: nowhere).
 * @param {Panel} panel
 * @param {string} key an anchor
 * @returns {{text: string, token: Token}|null}
 */
function located(panel, key) {
  const tokens = panel.element.data?.result?.tokens ?? [];
  const i = panel.anchors.indexOf(key);
  if (i < 0 || !tokens[i]) return null;
  return { text: tokens.slice(0, i + 1).map((t) => t.text).join(""), token: tokens[i] };
}

/**
 * Why `panel` has no token with the anchor `key` of `source`'s token.
 * @param {Panel} panel
 * @param {string} key
 * @param {Panel} source
 * @returns {string}
 */
function noCounterpart(panel, key, source) {
  const found = located(source, key);
  const label = found ? `“${display(found.token)}”` : "this token";
  const text = (panel.element.data?.result?.tokens ?? []).map((t) => t.text).join("");
  const why = found && text.startsWith(found.text) ? "it splits the text into other tokens here" : "its text differs here";
  return `${panel.model}: no counterpart for ${label}: ${why}.`;
}

/**
 * A link by anchors: `list` is the panel's list the node's index reads (outputs or anchors).
 * @param {"outputs"|"anchors"} list
 * @param {string} pinned
 * @param {function(HTMLElement): number} index
 * @param {function(Panel, number, HTMLElement): (HTMLElement|null)} at
 * @returns {Link}
 */
function byAnchor(list, pinned, index, at) {
  return {
    pinned,
    key: (panel, node) => panel[list][index(node)],
    find: (panel, key, from) => at(panel, panel[list].indexOf(key), from),
    missing: noCounterpart,
  };
}

const step = (node) => Number(node.dataset.step);
const stepNode = (panel, j) => (j < 0 ? null : root(panel).querySelector(`[data-step="${j}"]`));
const watched = (panel) => panel.element.data?.result?.watch ?? [];
const candidates = (panel) => [...root(panel).querySelectorAll(".ecco-candidate-cell")];

/** @type {Object<string, Link>} */
const LINKS = {
  generate: byAnchor("outputs", '[data-step][aria-pressed="true"]', step, stepNode),
  saliency: byAnchor("outputs", '[data-step][aria-pressed="true"]', step, stepNode),
  rankings: byAnchor("outputs", 'td[data-column][aria-selected="true"]', (node) => Number(node.dataset.column), cell),
  attention: byAnchor(
    "anchors",
    '[data-position][role="button"][aria-pressed="true"]',
    (node) => Number(node.dataset.position),
    (panel, j) => (j < 0 ? null : root(panel).querySelector(`[data-position="${j}"][role="button"]`)),
  ),
  "rankings-watch": {
    pinned: 'td[data-column][aria-selected="true"]',
    key: (panel, node) => watched(panel)[Number(node.dataset.column)]?.text,
    find: (panel, key, from) => cell(panel, watched(panel).findIndex((token) => token.text === key), from),
    missing: (panel, key) => `${panel.model}: “${key}” is not among its watched tokens.`,
  },
  "layer-predictions": {
    pinned: '.ecco-candidate-cell[aria-selected="true"]',
    key: (panel, node) => node.title,
    find: (panel, key) => candidates(panel).find((node) => node.title === key) ?? null,
    missing: (panel, key) => `${panel.model}: “${key}” is not among its top candidates at any layer.`,
  },
};

/**
 * A difference in percentage points, with its sign (a true minus).
 * @param {number} value a difference of shares
 * @returns {string}
 */
function points(value) {
  const text = Math.abs(100 * value).toFixed(1);
  return `${text === "0.0" ? "±" : value > 0 ? "+" : "−"}${text} pp`;
}

/**
 * A method's name as the figures print it.
 * @param {string} name
 * @returns {string}
 */
function methodName(name) {
  return name.replaceAll("_", " ");
}

/**
 * <ecco-compare>: panels from its children (a page that ecco-build wrote) or from the
 * comparison's JSON at src ({kind, element, panels: [{model, type, src, anchors, outputs}],
 * differences: Difference[]}).
 */
class EccoCompare extends EccoElement {
  /** Find or build the panels, then link them and draw the difference views (once). */
  async connectedCallback() {
    if (this.view || this.loading) return;
    this.loading = true;
    try {
      const kind = this.hasAttribute("src") ? await this.fromSource() : this.fromPage();
      this.view = this.start(kind);
    } catch (error) {
      showError(this, error);
    } finally {
      this.loading = false;
    }
  }

  /** A new theme attribute: the panels of a standalone comparison follow it too. */
  attributeChangedCallback(name, old, value) {
    for (const panel of this.panels ?? []) {
      if (value === null) panel.element.removeAttribute("theme");
      else panel.element.setAttribute("theme", value);
    }
    super.attributeChangedCallback();
  }

  /**
   * The panels and difference views of the figure's markup.
   * @returns {string} the kind
   */
  fromPage() {
    this.panels = [...this.querySelectorAll(":scope > .ecco-panels > .ecco-panel")].map((section) => ({
      model: section.dataset.model,
      section,
      element: section.querySelector(":scope > .ecco-explorable"),
      anchors: (section.dataset.anchors ?? "").split(" "),
      outputs: (section.dataset.outputs ?? "").split(" "),
    }));
    this.differences = [...this.querySelectorAll(":scope > .ecco-difference")].map((section) => ({
      section,
      data: JSON.parse(section.querySelector(':scope > script[type="application/json"]').textContent),
    }));
    return this.dataset.kind;
  }

  /**
   * Fetch the comparison's JSON and build its panels in a shadow root: a section per model with
   * a slot for its figure element, which is a light child, with the resolved src of its data.
   * @returns {Promise<string>} the kind
   */
  async fromSource() {
    this.scope();
    this.embedRoot.classList.add("ecco-compare");
    const url = new URL(this.getAttribute("src"), document.baseURI);
    const [spec, sheet] = await Promise.all([fetchJson(url.href), embedSheet("ecco-embed.css")]);
    this.shadowRoot.adoptedStyleSheets = [sheet];
    const element = String(spec?.element);
    if (!Array.isArray(spec?.panels) || !/^ecco-[a-z-]+$/.test(element) || !LINKS[spec.kind]) {
      throw new Error(`${url.href} is not a comparison of figures`);
    }
    const grid = document.createElement("div");
    grid.className = "ecco-panels";
    grid.style.setProperty("--panels", String(spec.panels.length));
    this.panels = spec.panels.map((panel, i) => {
      const figure = document.createElement(element);
      figure.slot = `panel-${i}`;
      figure.setAttribute("src", new URL(panel.src, url).href);
      if (this.hasAttribute("theme")) figure.setAttribute("theme", this.getAttribute("theme"));
      const slot = document.createElement("slot");
      slot.name = figure.slot;
      const section = this.section("ecco-panel", panel.model, panel.type);
      section.append(slot);
      grid.append(section);
      this.append(figure);
      return { model: panel.model, section, element: figure, anchors: panel.anchors, outputs: panel.outputs };
    });
    this.differences = (spec.differences ?? []).map((data) => ({
      section: this.section("ecco-difference", "Difference", `share in ${data.b} − share in ${data.a}`),
      data,
    }));
    this.embedRoot.replaceChildren(grid, ...this.differences.map((d) => d.section));
    return spec.kind;
  }

  /**
   * A titled section, as the figure's markup has them.
   * @param {string} className
   * @param {string} title
   * @param {string} about the title's second, quieter part
   * @returns {HTMLElement}
   */
  section(className, title, about) {
    const section = document.createElement("section");
    section.className = className;
    section.setAttribute("aria-label", title);
    const heading = document.createElement("h3");
    heading.className = "ecco-panel-model";
    const quiet = document.createElement("span");
    quiet.className = "ecco-panel-about";
    quiet.textContent = about;
    heading.append(`${title} `, quiet);
    section.append(heading);
    return section;
  }

  /**
   * Link the panels and draw the difference views.
   * @param {string} kind
   * @returns {HTMLElement} the panels' grid (this.view)
   */
  start(kind) {
    this.link = LINKS[kind] ?? null;
    this.linking = false;
    this.current = null;
    this.method = this.differences[0]?.data.methods[0] ?? null;
    for (const panel of this.panels) {
      panel.key = null;
      panel.status = document.createElement("p");
      panel.status.className = "ecco-panel-status";
      panel.status.setAttribute("role", "status");
      panel.section.querySelector(":scope > .ecco-panel-model")?.after(panel.status);
    }
    const changed = (event) => this.linking || this.sync(event.composedPath());
    this.addEventListener("click", changed);
    this.addEventListener("keydown", (event) => ["Enter", " ", "Escape"].includes(event.key) && changed(event));
    this.addEventListener("input", (event) => {
      const select = event.composedPath()[0];
      if (select instanceof HTMLSelectElement && select.closest(".ecco-switcher")) this.setMethod(select.value);
    });
    for (const difference of this.differences) this.prepare(difference);
    // The shading is mixed against the page: redo it when the theme (and so the palette) changes.
    document.addEventListener("ecco-palette-change", () => this.drawDifferences());
    this.drawDifferences();
    this.classList.add("is-hydrated");
    return this.panels[0]?.section.parentElement;
  }

  /**
   * The pinned node of a panel, if any.
   * @param {Panel} panel
   * @returns {HTMLElement|null}
   */
  pinnedIn(panel) {
    return root(panel).querySelector(this.link.pinned);
  }

  /**
   * After a reader's click or key: if the panel it was in now pins another token (or none),
   * every other panel pins that token's counterpart (or unpins).
   * @param {EventTarget[]} path the event's composed path
   */
  sync(path) {
    const source = this.link && this.panels.find((panel) => path.includes(panel.element));
    if (!source) return;
    const node = this.pinnedIn(source);
    const key = (node && this.link.key(source, node)) ?? null;
    if (key === source.key) return;
    source.key = key;
    source.status.textContent = "";
    this.linking = true; // the clicks below are not a reader's
    try {
      for (const panel of this.panels) if (panel !== source) this.follow(panel, key, node, source);
    } finally {
      this.linking = false;
    }
    this.current = key;
    this.drawDifferences();
  }

  /**
   * Pin the counterpart of `key` in a panel (null: unpin), or say that it has none.
   * @param {Panel} panel
   * @param {string|null} key
   * @param {HTMLElement|null} from the source panel's pinned node
   * @param {Panel} source
   */
  follow(panel, key, from, source) {
    if (!panel.element.view) return; // not drawn yet (or it could not be)
    const pinned = this.pinnedIn(panel);
    const target = key === null ? null : this.link.find(panel, key, from);
    if (target && target !== pinned) target.click(); // a click pins a node, or moves the pin to it
    else if (!target && pinned) pinned.click(); // and on the pinned node unpins it
    panel.key = target ? key : null;
    panel.status.textContent = key !== null && !target ? this.link.missing(panel, key, source) : "";
  }

  /**
   * One method for every panel and difference view: a reader's choice in any switcher.
   * @param {string} method
   */
  setMethod(method) {
    if (method === this.method || !this.differences[0]?.data.methods.includes(method)) return;
    this.method = method;
    for (const panel of this.panels) {
      const select = root(panel).querySelector(".ecco-switcher select");
      if (!select || select.value === method || ![...select.options].some((o) => o.value === method)) continue;
      select.value = method;
      select.dispatchEvent(new Event("change")); // the panel shows it (a change event does not leave its shadow root)
    }
    this.drawDifferences();
  }

  /**
   * A difference view's parts: its method switcher (several methods), the row's title, token
   * line, legend and a status line for the hovered or focused token; the fallback goes.
   * @param {{section: HTMLElement, data: Difference}} difference
   */
  prepare(difference) {
    const { section, data } = difference;
    const view = document.createElement("div");
    view.className = "ecco-difference-view";
    const sample = data.rows[0]?.segments.map((s) => s.text).join("") ?? "";
    section.dataset.text = /\n[ \t]/.test(sample) ? "code" : "prose";
    if (data.methods.length > 1) {
      const label = document.createElement("label");
      label.className = "ecco-switcher";
      label.append("Method: ");
      difference.select = document.createElement("select");
      for (const name of data.methods) difference.select.append(new Option(methodName(name), name));
      label.append(difference.select);
      view.append(label);
    }
    difference.body = document.createElement("div");
    difference.status = document.createElement("p");
    difference.status.className = "ecco-difference-status";
    difference.status.setAttribute("aria-live", "polite");
    view.append(difference.body, difference.status);
    hydrate(section, view);
  }

  /** Draw every difference view for the pinned output token (none pinned: the first row). */
  drawDifferences() {
    for (const difference of this.differences) this.drawDifference(difference);
  }

  /**
   * The row of a difference view for the pinned token, or why it has none.
   * @param {Difference} data
   * @returns {{row: (object|null), why: string}}
   */
  rowFor(data) {
    const a = this.panels.find((p) => p.model === data.a);
    const b = this.panels.find((p) => p.model === data.b);
    if (!data.rows.length) return { row: null, why: `No output token of ${data.a} has a counterpart in ${data.b}: their texts differ, so there is no difference to show.` };
    const key = this.current;
    if (key === null || !a || !b) return { row: data.rows[0], why: "" };
    const row = data.rows.find((r) => a.outputs[r.a_step] === key);
    if (row) return { row, why: "" };
    const [inA, inB] = [a.outputs.includes(key), b.outputs.includes(key)];
    const found = located(inA ? a : b, key);
    const label = found ? `“${display(found.token)}”` : "The pinned token";
    if (!inA && !inB) return { row: null, why: `${label} is not an output token of ${data.a} or ${data.b}.` };
    if (!inA || !inB) return { row: null, why: `${label} is an output token of ${inA ? data.a : data.b} only: ${inA ? data.b : data.a} has no counterpart for it, so there is no difference to show.` };
    return { row: null, why: `${label} starts at a different character in ${data.a} and in ${data.b} (they split the text into other tokens there), so their attributions are not for the same token.` };
  }

  /**
   * Draw one difference view: each segment before the output token shaded on the diverging
   * scale (red: the first model gives it more, blue: the other), scaled by the row's largest
   * difference; its value in percentage points on hover and focus.
   * @param {{section: HTMLElement, data: Difference, body: HTMLElement, status: HTMLElement, select?: HTMLSelectElement}} difference
   */
  drawDifference(difference) {
    const { data, body, status } = difference;
    const { row, why } = this.rowFor(data);
    status.textContent = "";
    if (!row) {
      const note = document.createElement("p");
      note.className = "ecco-difference-note";
      note.textContent = why;
      body.replaceChildren(note);
      return;
    }
    const method = row.methods[this.method] ? this.method : Object.keys(row.methods)[0];
    if (difference.select) difference.select.value = method;
    const values = row.methods[method];
    const top = Math.max(...values.diff.map(Math.abs), 1e-12);
    const title = document.createElement("p");
    title.className = "ecco-difference-title";
    title.textContent =
      `Output token “${display(row.output)}” (step ${row.a_step + 1} in ${data.a}, ${row.b_step + 1} in ${data.b}), ` +
      `${methodName(method)}: each token's share in ${data.b} minus its share in ${data.a}.`;
    const line = document.createElement("div");
    line.className = "ecco-token-line ecco-difference-line";
    const nodes = row.segments.map((segment, i) => {
      const node = tokenNode(segment);
      const words = `“${display(segment)}”: ${points(values.diff[i])} (${(100 * values.a[i]).toFixed(1)}% in ${data.a}, ${(100 * values.b[i]).toFixed(1)}% in ${data.b})`;
      node.dataset.diff = String(values.diff[i]);
      node.title = words;
      node.setAttribute("aria-label", words);
      const show = () => { status.textContent = words; };
      node.addEventListener("pointerenter", show);
      node.addEventListener("focus", show);
      line.append(node);
      return node;
    });
    const output = tokenNode(row.output);
    output.classList.add("is-target");
    line.append(output);
    rovingGrid(line, nodes.map((node) => [node]), { pin: (node) => node.focus(), unpin: () => {} });
    const scale = legend(`share in ${data.b} − share in ${data.a}, ±${points(top).slice(1)}`, `${data.a} more`, `${data.b} more`, divergingGradient(body));
    body.replaceChildren(title, line, scale);
    nodes.forEach((node, i) => paint(node, diverging(values.diff[i] / top, node)));
  }
}

if (!customElements.get("ecco-compare")) customElements.define("ecco-compare", EccoCompare);

export { EccoCompare };
