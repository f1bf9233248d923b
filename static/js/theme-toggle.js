// The light/dark toggle: follows the reader's system setting until they choose, then
// remembers the choice. (theme-init.js, loaded blocking in <head>, applies it before first paint.)
const button = document.querySelector(".theme-toggle");
const media = window.matchMedia("(prefers-color-scheme: dark)");

function current() {
  return document.documentElement.dataset.theme || (media.matches ? "dark" : "light");
}

function label() {
  const next = current() === "dark" ? "light" : "dark";
  button.textContent = next === "dark" ? "Dark mode" : "Light mode";
  button.setAttribute("aria-label", `Switch to ${next} mode`);
}

if (button) {
  button.hidden = false;
  label();
  button.addEventListener("click", () => {
    const next = current() === "dark" ? "light" : "dark";
    document.documentElement.dataset.theme = next;
    try {
      localStorage.setItem("ecco-theme", next);
    } catch {
      // Storage may be blocked; the choice then lasts for this page only.
    }
    label();
  });
  media.addEventListener("change", label);
}
