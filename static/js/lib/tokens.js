// Tokens as DOM nodes. Token text is model output: it is only ever set as text.
// The visible forms are decided in Python (ecco_build/kinds/tokens.py): `display` is the label a
// token shows where it stands alone ("⏎ +8", "␣", "<0x19>"), `flow` its form in running text
// (the exact text, newlines and indentation kept); each is sent only when it differs from text.

/** @typedef {import("./types.js").Token} Token */

/**
 * The label of a token: how it shows as a candidate, in a table cell or in a status line.
 * @param {Token} token
 * @returns {string}
 */
export function display(token) {
  return token.display ?? token.text;
}

/**
 * The running-text form of a token: its exact text, newlines and indentation kept.
 * @param {Token} token
 * @returns {string}
 */
export function flowText(token) {
  return token.flow ?? token.text;
}

/**
 * One token as a DOM node for running text: its running form set as text, a faint ⏎ marking
 * each newline (the newline itself follows it, so code keeps its line breaks and its
 * indentation starts the next line), its layout flags as classes.
 * @param {Token} token
 * @param {boolean} [selectable] whether the token is an output a reader can select (a span with
 *   role="button": a real button would box its newline and indentation together)
 * @returns {HTMLElement}
 */
export function tokenNode(token, selectable = false) {
  const node = document.createElement("span");
  node.className = "ecco-token";
  flowText(token)
    .split("\n")
    .forEach((part, i) => {
      if (i > 0) {
        const mark = document.createElement("span");
        mark.className = "ecco-nl";
        mark.textContent = "⏎";
        node.append(mark, "\n");
      }
      if (part) node.append(part);
    });
  if (selectable) {
    node.setAttribute("role", "button");
    node.setAttribute("aria-label", display(token));
  }
  if (token.space) node.classList.add("has-space");
  if (token.partial) node.classList.add("is-partial");
  if (token.newline) node.classList.add("has-newline");
  return node;
}
