// Tokens as DOM nodes. Token text is model output: it is only ever set as text.

/** @typedef {import("./types.js").Token} Token */

/**
 * The visible form of a token (Python sends "display" only when it differs from "text").
 * @param {Token} token
 * @returns {string}
 */
export function display(token) {
  return token.display ?? token.text;
}

/**
 * One token as a DOM node, its text set as text, its layout flags as classes.
 * @param {Token} token
 * @param {string} [tag] the element to make ("span", or "button" for selectable tokens)
 * @returns {HTMLElement}
 */
export function tokenNode(token, tag = "span") {
  const node = document.createElement(tag);
  node.className = "ecco-token";
  node.textContent = display(token);
  if (token.space) node.classList.add("has-space");
  if (token.partial) node.classList.add("is-partial");
  return node;
}

/**
 * Append a token's node, with a line break after tokens that contain a newline, so code
 * keeps its shape.
 * @param {Node} parent the line
 * @param {Node} node the token's node
 * @param {Token} token
 */
export function appendToken(parent, node, token) {
  parent.append(node);
  if (token.newline) parent.append(document.createElement("br"));
}
