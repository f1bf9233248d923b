// <ecco-generate>: the prompt, then each generated token with its probability.
// Hover, focus or tap an output token to see the model's candidates at that step; the keys
// and pinning are rovingGrid's (lib/element.js).
import { EccoElement } from "../lib/element.js";
import { percent } from "../lib/format.js";
import { display, tokenNode } from "../lib/tokens.js";

/** @typedef {import("../lib/types.js").Token} Token */
/** @typedef {import("../lib/types.js").Candidate} Candidate */

/**
 * One generated token (ecco_build/kinds/generate.py GenerateStep).
 * @typedef {object} GenerateStep
 * @property {number} p the model's probability of the chosen token
 * @property {Candidate[]} candidates the most likely tokens at this step, most likely first
 */

/**
 * The data contract of <ecco-generate>: ecco_build/kinds/generate.py GenerateResult.
 * @typedef {object} GenerateResult
 * @property {number} prompt_length how many of tokens are the prompt
 * @property {Token[]} tokens (T,) the prompt and then each generated token
 * @property {GenerateStep[]} steps one per generated token, in order
 * @property {string} text the generated text, decoded
 * @property {boolean} stopped_at_eos whether generation ended at the end-of-text token
 */

/**
 * <ecco-generate>: its data is {kind: "generate", version, options, result: GenerateResult}.
 */
class EccoGenerate extends EccoElement {
  ready() {
    this.select(0);
  }

  build() {
    this.pinned = null;
    const { tokens, prompt_length: promptLength, steps } = this.data.result;
    const view = document.createElement("div");
    view.className = "ecco-generate-view";
    const line = document.createElement("div");
    line.className = "ecco-token-line";
    this.outputs = [];
    tokens.forEach((token, i) => {
      if (i < promptLength) {
        const node = tokenNode(token);
        node.classList.add("prompt");
        line.append(node);
        return;
      }
      const step = i - promptLength;
      const node = tokenNode(token, true);
      node.classList.add("output");
      node.dataset.step = String(step);
      const badge = document.createElement("small");
      badge.className = "ecco-prob";
      badge.textContent = percent(steps[step].p);
      node.insertBefore(badge, node.querySelector(".ecco-nl"));
      node.setAttribute("aria-label", `${display(token)}, output token ${step + 1}, probability ${percent(steps[step].p)}`);
      node.addEventListener("pointerenter", () => this.select(step));
      node.addEventListener("focus", () => this.select(step));
      this.outputs.push(node);
      line.append(node);
    });
    this.pinOutputs(line);
    this.panel = document.createElement("div");
    this.panel.className = "ecco-candidates";
    this.panel.setAttribute("aria-live", "polite");
    view.append(line, this.panel);
    return view;
  }

  select(step) {
    if (!this.outputs.length) return;
    this.current = step;
    this.outputs.forEach((node, i) => node.classList.toggle("is-selected", i === step));
    const { tokens, prompt_length: promptLength, steps } = this.data.result;
    const chosen = tokens[promptLength + step];
    const heading = document.createElement("p");
    heading.className = "ecco-candidates-title";
    heading.append(`Step ${step + 1}: the model chose `);
    const code = document.createElement("code");
    code.textContent = display(chosen);
    heading.append(code, ` (${percent(steps[step].p)}). Its top candidates:`);
    const list = document.createElement("ol");
    list.className = "ecco-candidate-list";
    for (const candidate of steps[step].candidates) {
      const item = document.createElement("li");
      if (candidate.id === chosen.id) item.classList.add("is-chosen");
      const label = document.createElement("code");
      label.textContent = display(candidate);
      const bar = document.createElement("span");
      bar.className = "ecco-bar";
      bar.style.setProperty("--value", String(candidate.p ?? 0));
      const value = document.createElement("span");
      value.className = "ecco-value";
      value.textContent = percent(candidate.p) + (candidate.id === chosen.id ? " ✓ chosen" : "");
      item.append(label, bar, value);
      list.append(item);
    }
    this.panel.replaceChildren(heading, list);
  }
}

if (!customElements.get("ecco-generate")) customElements.define("ecco-generate", EccoGenerate);

export { EccoGenerate };
