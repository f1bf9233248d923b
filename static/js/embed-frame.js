// The embed page's side of embedding (embed/<article>/<figure>.html, shown in an <iframe>).
// A classic script, loaded blocking in <head> after theme-init.js, so the theme is set before
// first paint:
// - `?theme=light` or `?theme=dark` in the page's URL (the embedding site's choice) sets the
//   theme; without it the reader's saved choice (theme-init.js) or the system setting decides.
// - In a frame, the page's height goes to the embedding window as
//   {type: "ecco-embed-height", height} (integer CSS px): on load, whenever the content's size
//   changes (ResizeObserver), after a click, key or opened <details> in the figure, and in reply
//   to {type: "ecco-embed-ask"} from the embedding window (embed-host.js asks when it starts).
//   The height says nothing private, so it is posted to any origin; the host script decides
//   whether to believe it.
(() => {
  const theme = new URLSearchParams(window.location.search).get("theme");
  if (theme === "light" || theme === "dark") document.documentElement.dataset.theme = theme;
  if (window.parent === window) return;

  let last = -1;
  const height = () => Math.ceil(document.documentElement.getBoundingClientRect().height);

  function post(always) {
    const now = height();
    if (now === last && !always) return;
    last = now;
    window.parent.postMessage({ type: "ecco-embed-height", height: now }, "*");
  }
  const soon = () => window.requestAnimationFrame(() => post(false));

  document.addEventListener("DOMContentLoaded", () => {
    post(true);
    new ResizeObserver(soon).observe(document.documentElement);
    document.addEventListener("toggle", soon, true); // <details> do not bubble "toggle"
    document.addEventListener("click", soon);
    document.addEventListener("keyup", soon);
  });
  window.addEventListener("load", () => post(true));
  window.addEventListener("message", (event) => {
    if (event.source !== window.parent || event.data?.type !== "ecco-embed-ask") return;
    last = -1;
    post(true);
  });
})();
