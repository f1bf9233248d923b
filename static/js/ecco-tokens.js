// The visible form of a token (Python sends "display" only when it differs from "text").
export function display(token) {
  return token.display ?? token.text;
}

// One token as a DOM node. Token text is model output: it is only ever set as text.
export function tokenNode(token, tag = "span") {
  const node = document.createElement(tag);
  node.className = "ecco-token";
  node.textContent = display(token);
  if (token.space) node.classList.add("has-space");
  if (token.partial) node.classList.add("is-partial");
  return node;
}

// A line break after tokens that contain a newline, so code keeps its shape.
export function appendToken(parent, node, token) {
  parent.append(node);
  if (token.newline) parent.append(document.createElement("br"));
}

export function percent(p) {
  if (p === null || p === undefined) return "–";
  return p >= 0.001 ? `${(100 * p).toFixed(1)}%` : "<0.1%";
}
