// Load a figure's precomputed JSON: inlined in a child <script type="application/json">,
// or fetched from data-src (relative to the page) for larger results.
export async function loadData(element) {
  const src = element.dataset.src;
  if (src) {
    const response = await fetch(src);
    if (!response.ok) throw new Error(`could not load ${src}: HTTP ${response.status}`);
    return response.json();
  }
  const script = element.querySelector(':scope > script[type="application/json"]');
  if (!script) throw new Error("figure has no data");
  return JSON.parse(script.textContent);
}

// Swap the static fallback for the interactive view once it is built.
export function hydrate(element, view) {
  const fallback = element.querySelector(":scope > .ecco-fallback");
  if (fallback) fallback.hidden = true;
  element.append(view);
  element.classList.add("is-hydrated");
}

export function showError(element, error) {
  const note = document.createElement("p");
  note.className = "ecco-error";
  note.textContent = `This figure could not be made interactive (${error.message}); the static version is shown.`;
  element.append(note);
}
