// <ecco-saliency>: hover, focus or tap an output token to shade every earlier token by its
// share of the attribution (keys and pinning: rovingGrid); a switcher picks the method when
// several were computed; data-view="detailed" adds a bar and value per token.
import { EccoElement } from "../lib/element.js";
import {
  diverging,
  divergingGradient,
  legend,
  paint,
  sequential,
  sequentialGradient,
  unpaint,
} from "../lib/scale.js";
import { display, tokenNode } from "../lib/tokens.js";

/** @typedef {import("../lib/types.js").Token} Token */

/**
 * One attribution method (ecco_build/kinds/saliency.py SaliencyMethod); row i is for the
 * output token at targets[i] and has one value per earlier token.
 * @typedef {object} SaliencyMethod
 * @property {number[][]} share each earlier token's share of the row's attribution, in [0, 1]
 * @property {number[][]} [signed] the attribution summed over the embedding, any sign
 */

/**
 * The data contract of <ecco-saliency>: ecco_build/kinds/saliency.py SaliencyResult (its page
 * form: `norm` is left out of pages).
 * @typedef {object} SaliencyResult
 * @property {number} prompt_length how many of tokens are the prompt
 * @property {Token[]} tokens (T,) the prompt and then the output tokens
 * @property {number[]} targets (n,) the positions of the output tokens explained
 * @property {string} target_scalar "log_probability", "probability" or "logit"
 * @property {(string|null)} foil the contrast token, or null
 * @property {Object<string, SaliencyMethod>} methods by name, in the order asked
 * @property {number[]} [probabilities] the generated tokens' probabilities
 */

/**
 * A signed value with two significant digits and a true minus sign.
 * @param {number} value
 * @returns {string}
 */
function signedText(value) {
  return `${value >= 0 ? "+" : "−"}${Math.abs(value).toPrecision(2)}`;
}

/**
 * <ecco-saliency>: its data is {kind: "saliency", version, options, result: SaliencyResult}.
 */
class EccoSaliency extends EccoElement {
  ready() {
    this.select(0);
  }

  build() {
    this.detailed = this.dataset.view === "detailed";
    this.method = Object.keys(this.data.result.methods)[0];
    this.pinned = null;
    const { tokens, targets } = this.data.result;
    const view = document.createElement("div");
    view.className = "ecco-saliency-view";
    const methods = Object.keys(this.data.result.methods);
    if (methods.length > 1) view.append(this.switcher(methods));
    const line = document.createElement("div");
    line.className = "ecco-token-line";
    this.nodes = [];
    this.outputs = [];
    tokens.forEach((token, i) => {
      const step = targets.indexOf(i);
      const node = tokenNode(token, step >= 0);
      if (step >= 0) {
        node.classList.add("output");
        node.dataset.step = String(step);
        node.addEventListener("pointerenter", () => this.select(step));
        node.addEventListener("focus", () => this.select(step));
        this.outputs.push(node);
      } else {
        node.classList.add("prompt");
      }
      const value = document.createElement("small");
      value.className = "ecco-share";
      node.insertBefore(value, node.querySelector(".ecco-nl"));
      this.nodes.push(node);
      line.append(node);
    });
    this.pinOutputs(line);
    // The shading is mixed against the page: redo it when the theme (and so the palette) changes.
    document.addEventListener("ecco-palette-change", () => this.select(this.current ?? 0));
    this.legendSlot = document.createElement("div");
    this.status = document.createElement("p");
    this.status.className = "ecco-saliency-status";
    this.status.setAttribute("aria-live", "polite");
    view.append(line, this.legendSlot, this.status);
    return view;
  }

  switcher(methods) {
    const label = document.createElement("label");
    label.className = "ecco-switcher";
    label.append("Method: ");
    const select = document.createElement("select");
    for (const name of methods) {
      const option = document.createElement("option");
      option.value = name;
      option.textContent = name.replaceAll("_", " ");
      select.append(option);
    }
    select.addEventListener("change", () => {
      this.method = select.value;
      this.select(this.current ?? 0);
    });
    label.append(select);
    return label;
  }

  select(step) {
    if (!this.outputs.length) return;
    this.current = step;
    const { tokens, targets } = this.data.result;
    const method = this.data.result.methods[this.method];
    const position = targets[step];
    const share = method.share[step];
    const signed = this.detailed && method.signed ? method.signed[step] : null;
    const top = Math.max(...share, 1e-12);
    const topSigned = signed ? Math.max(...signed.map(Math.abs), 1e-12) : 1;
    this.nodes.forEach((node, i) => {
      const value = node.querySelector(".ecco-share");
      node.classList.toggle("is-target", i === position);
      node.classList.toggle("is-later", i > position);
      node.classList.toggle("is-selected", i === position);
      if (i < position) {
        paint(node, signed ? diverging(signed[i] / topSigned, this) : sequential(share[i] / top, this));
        node.dataset.share = String(share[i]);
        value.textContent = this.detailed ? (signed ? signedText(signed[i]) : `${(100 * share[i]).toFixed(1)}%`) : "";
        if (this.detailed) node.style.setProperty("--bar", String(share[i] / top));
      } else {
        unpaint(node);
        delete node.dataset.share;
        value.textContent = "";
        node.style.removeProperty("--bar");
      }
    });
    this.legendSlot.replaceChildren(
      signed
        ? legend("signed attribution", signedText(-topSigned), signedText(topSigned), divergingGradient(this))
        : legend("share of attribution", "0%", `${(100 * top).toFixed(1)}%`, sequentialGradient(this)),
    );
    const strongest = share.indexOf(Math.max(...share));
    this.status.textContent =
      `Output token ${step + 1}, “${display(tokens[position])}”: strongest input “${display(tokens[strongest])}” ` +
      `(${(100 * share[strongest]).toFixed(1)}% of the attribution, ${this.method.replaceAll("_", " ")}).`;
  }
}

if (!customElements.get("ecco-saliency")) customElements.define("ecco-saliency", EccoSaliency);

export { EccoSaliency };
