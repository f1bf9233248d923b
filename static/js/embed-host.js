// Fit ecco-build figure iframes to their content. A page that embeds figures includes this
// classic script once, anywhere (from the site that published the figures, or a copy):
//
//   <script src="https://you.github.io/repo/static/js/embed-host.js" defer></script>
//
// Each embed page (static/js/embed-frame.js) posts {type: "ecco-embed-height", height}. A
// message is believed only if it comes from the window of an <iframe> on this page
// (`contentWindow === event.source`) and from the origin of that iframe's `src`; it then sets
// that iframe's height and nothing else (an integer px, clamped to MIN..MAX). Other messages
// are ignored. Without this script an iframe keeps the snippet's fixed height and scrolls.
(() => {
  const MIN = 60;
  const MAX = 20000;

  // The origin of an iframe's src; null for one without an http(s) src (srcdoc, about:blank:
  // the host page's own content, which has no business posting heights).
  function originOf(frame) {
    try {
      const url = new URL(frame.getAttribute("src") || "", document.baseURI);
      return frame.getAttribute("src") && /^https?:$/.test(url.protocol) ? url.origin : null;
    } catch {
      return null;
    }
  }

  function frameOf(source) {
    if (!source) return null;
    for (const frame of document.querySelectorAll("iframe")) {
      if (frame.contentWindow === source) return frame;
    }
    return null;
  }

  window.addEventListener("message", (event) => {
    const data = event.data;
    if (!data || typeof data !== "object" || data.type !== "ecco-embed-height") return;
    const frame = frameOf(event.source);
    if (!frame) return;
    const origin = originOf(frame);
    if (!origin || origin !== event.origin) return;
    const height = Number(data.height);
    if (!Number.isFinite(height)) return;
    frame.style.height = `${Math.round(Math.min(MAX, Math.max(MIN, height)))}px`;
  });

  // Frames that loaded before this script ran have posted already: ask them again.
  function ask() {
    for (const frame of document.querySelectorAll("iframe")) {
      const origin = originOf(frame);
      if (origin && frame.contentWindow) {
        frame.contentWindow.postMessage({ type: "ecco-embed-ask" }, origin);
      }
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ask);
  else ask();
})();
