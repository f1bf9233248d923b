// The entry module for pages that ecco-build did not write: it defines every figure element,
// importing each kind's component the first time an element of that kind is in the page (or is
// added later), so a page that pastes one figure downloads that figure's code only. Pages that
// ecco-build writes load their components directly (static/js/components/<element>.js).
const COMPONENTS = {
  "ecco-generate": () => import("./components/ecco-generate.js"),
  "ecco-saliency": () => import("./components/ecco-saliency.js"),
  "ecco-layer-predictions": () => import("./components/ecco-layer-predictions.js"),
  "ecco-rankings": () => import("./components/ecco-rankings.js"),
  "ecco-rankings-watch": () => import("./components/ecco-rankings-watch.js"),
  "ecco-factors": () => import("./components/ecco-factors.js"),
  "ecco-attention": () => import("./components/ecco-attention.js"),
  "ecco-compare": () => import("./components/ecco-compare.js"), // its panels' elements are imported as they appear
};
const waiting = new Set(Object.keys(COMPONENTS));

// Import the components of the kinds now in the page; true once every kind is imported.
function load() {
  for (const name of waiting) {
    if (!document.querySelector(name)) continue;
    waiting.delete(name);
    COMPONENTS[name]().catch((error) => console.error(`ecco-build: could not load <${name}>:`, error));
  }
  return waiting.size === 0;
}

load() || new MutationObserver((_, observer) => load() && observer.disconnect()).observe(document, { childList: true, subtree: true });
