// A layers × tokens rank heatmap as a table, shared by <ecco-rankings> and
// <ecco-rankings-watch>. Log colour scale: rank 1 darkest. Each cell prints its rank (so
// colour is never the only cue); hover or focus reports details. One tab stop (rovingGrid).
import { rovingGrid } from "./element.js";
import { percent } from "./format.js";
import { cssRgb } from "./palette.js";
import { paint } from "./scale.js";
import { display } from "./tokens.js";

/** @typedef {import("./types.js").Token} Token */

/**
 * The log colour scale of the rank heatmaps (the rank_shade filter of
 * ecco_build/kinds/lens.py writes the same for the static fallback).
 * @param {number} rank ≥ 1
 * @param {number} maxRank the largest rank in the heatmap
 * @param {Node} [node] the figure, or a node in it (palette.js)
 * @returns {import("./scale.js").Tint}
 */
export function rankShade(rank, maxRank, node) {
  const top = Math.log(Math.max(maxRank, 10));
  const v = 1 - Math.log(rank) / top; // 1 for rank 1, 0 for the largest rank shown
  return { rgb: cssRgb("--ecco-rank", node), alpha: 0.06 + 0.94 * Math.max(0, v) };
}

/**
 * Where a heatmap cell is, as onFocus and rankText take it.
 * @typedef {object} CellDetails
 * @property {Token} token the column's token
 * @property {string} layer the row's layer label
 * @property {number} rank
 * @property {number} p
 * @property {number} column
 */

/**
 * The data of a rank heatmap: layers × columns.
 * @typedef {object} RankTable
 * @property {string[]} layers (L,) layer labels
 * @property {Token[]} columns (n,) the ranked tokens
 * @property {number[][]} rank (L, n) ranks ≥ 1
 * @property {number[][]} p (L, n) probabilities
 */

/**
 * The heatmap as a table, layers bottom-up; every cell prints its rank. One tab stop (see
 * rovingGrid); when the pointer leaves the table, the pinned cell, if any, is shown again.
 * @param {RankTable} data
 * @param {function(CellDetails, HTMLTableCellElement): void} onFocus called on hover, focus or pin
 * @returns {HTMLTableElement}
 */
export function rankHeatmap({ layers, columns, rank, p }, onFocus) {
  const maxRank = Math.max(...rank.flat());
  const table = document.createElement("table");
  table.className = "ecco-heatmap";
  table.setAttribute("role", "grid");
  table.setAttribute("aria-label", "Ranks by layer: arrow keys move between cells, Enter pins one, Escape unpins");
  const rows = [];
  const cellDetails = new Map();
  const head = table.createTHead().insertRow();
  const corner = document.createElement("th");
  corner.textContent = "Layer";
  head.append(corner);
  columns.forEach((token, c) => {
    const th = document.createElement("th");
    th.scope = "col";
    th.dataset.column = String(c);
    const code = document.createElement("code");
    code.textContent = display(token);
    th.append(code);
    head.append(th);
  });
  const body = table.createTBody();
  // Layers read bottom-up like the model: the embeddings at the bottom, the output at the top.
  for (let l = layers.length - 1; l >= 0; l -= 1) {
    const row = body.insertRow();
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = layers[l];
    row.append(th);
    rows.push([]);
    columns.forEach((token, c) => {
      const cell = row.insertCell();
      const value = rank[l][c];
      cell.textContent = String(value);
      cell.dataset.rank = String(value);
      cell.dataset.layer = String(l);
      cell.dataset.column = String(c);
      const details = { token, layer: layers[l], rank: value, p: p[l][c], column: c };
      cellDetails.set(cell, details);
      rows[rows.length - 1].push(cell);
      cell.addEventListener("pointerenter", () => onFocus(details, cell));
      requestAnimationFrame(() => paint(cell, rankShade(value, maxRank, cell))); // once it is in the page
      cell.addEventListener("focus", () => onFocus(details, cell));
    });
  }
  const show = (cell) => onFocus(cellDetails.get(cell), cell);
  const grid = rovingGrid(table, rows, { pin: show, unpin: () => {} });
  table.addEventListener("pointerleave", () => {
    const cell = grid.pinned();
    if (cell) show(cell);
  });
  return table;
}

/**
 * A cell's details in words.
 * @param {CellDetails} details
 * @returns {string}
 */
export function rankText({ token, layer, rank, p }) {
  const where = layer === "embeddings" ? "the embeddings" : `layer ${layer}`;
  return `“${display(token)}” at ${where}: rank ${rank}, probability ${percent(p)}`;
}

/**
 * The legend: swatches for ranks 1, 10, 100, … up to the largest shown.
 * @param {number} maxRank
 * @returns {HTMLElement}
 */
export function rankLegend(maxRank) {
  const node = document.createElement("div");
  node.className = "ecco-legend";
  const label = document.createElement("span");
  label.className = "ecco-legend-label";
  label.textContent = "rank (log scale)";
  node.append(label);
  for (const value of [1, 10, 100, 1000, 10000].filter((v) => v <= Math.max(maxRank, 10))) {
    const swatch = document.createElement("span");
    swatch.className = "ecco-swatch";
    swatch.textContent = String(value);
    requestAnimationFrame(() => paint(swatch, rankShade(value, maxRank, swatch)));
    node.append(swatch);
  }
  return node;
}

/**
 * The heatmap with its legend and a live status line that reports the hovered or focused
 * cell; onCell(details) lets the figure react too.
 * @param {RankTable} data
 * @param {function(CellDetails): void} [onCell]
 * @returns {HTMLElement[]} the nodes to append
 */
export function rankPanel(data, onCell = () => {}) {
  const status = document.createElement("p");
  status.className = "ecco-tooltip";
  status.setAttribute("aria-live", "polite");
  status.textContent = "Hover or focus a cell for details; click or press Enter to pin it.";
  const table = rankHeatmap(data, (details, cell) => {
    status.textContent = rankText(details);
    table.querySelectorAll(".is-current").forEach((node) => node.classList.remove("is-current"));
    cell.classList.add("is-current");
    onCell(details);
  });
  const scroll = document.createElement("div");
  scroll.className = "ecco-scroll";
  scroll.append(table);
  const maxRank = Math.max(...data.rank.flat());
  const legend = rankLegend(maxRank);
  // A new theme (palette.js): paint the cells and swatches again.
  document.addEventListener("ecco-palette-change", () => {
    const nodes = [...table.querySelectorAll("td"), ...legend.querySelectorAll(".ecco-swatch")];
    for (const node of nodes) paint(node, rankShade(Number(node.textContent), maxRank, node));
  });
  return [scroll, legend, status];
}
