// <ecco-rankings-watch>: the rank of author-chosen candidate tokens at every layer, for the
// blank after a prefix. Hover or focus a cell for details.
import { EccoElement } from "../lib/element.js";
import { rankPanel } from "../lib/heatmap.js";
import { tokenNode } from "../lib/tokens.js";

/** @typedef {import("../lib/types.js").Token} Token */
/** @typedef {import("../lib/types.js").WatchedToken} WatchedToken */

/**
 * The data contract of <ecco-rankings-watch>: ecco_build/kinds/rankings_watch.py
 * RankingsWatchResult.
 * @typedef {object} RankingsWatchResult
 * @property {string} lens how layers are read, "normed"
 * @property {number} prompt_length how many of tokens are the prompt (all of them)
 * @property {Token[]} tokens (T,)
 * @property {number} position the token after which the watched tokens are ranked
 * @property {boolean} first_token whether multi-token :watch: strings were scored by their first token
 * @property {WatchedToken[]} watch (W,) the watched tokens
 * @property {string[]} layers (L,) "embeddings", then "1", "2", …
 * @property {number[][]} rank (L, W) ranks ≥ 1
 * @property {number[][]} p (L, W) each watched token's probability at each layer
 */

/**
 * <ecco-rankings-watch>: its data is {kind: "rankings-watch", version, options, result: RankingsWatchResult}.
 */
class EccoRankingsWatch extends EccoElement {
  build() {
    const { tokens, position, watch, layers, rank, p } = this.data.result;
    const view = document.createElement("div");
    view.className = "ecco-rankings-view";
    const line = document.createElement("div");
    line.className = "ecco-token-line";
    tokens.slice(0, position + 1).forEach((token) => {
      const node = tokenNode(token);
      node.classList.add("prompt");
      line.append(node);
    });
    const blank = document.createElement("span");
    blank.className = "ecco-blank";
    blank.textContent = "____";
    blank.setAttribute("aria-label", "the position being predicted");
    line.append(blank);
    view.append(line, ...rankPanel({ layers, columns: watch, rank, p }));
    return view;
  }
}

if (!customElements.get("ecco-rankings-watch")) customElements.define("ecco-rankings-watch", EccoRankingsWatch);

export { EccoRankingsWatch };
