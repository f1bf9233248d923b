// The reader's saved light/dark choice, applied before first paint. A classic script, loaded
// blocking in <head> (not a module, not deferred), so the page never flashes the other theme;
// a file rather than an inline snippet, because the Content-Security-Policy allows only
// scripts from the site ("script-src 'self'"). theme-toggle.js saves the choice.
try {
  const theme = localStorage.getItem("ecco-theme");
  if (theme === "dark" || theme === "light") document.documentElement.dataset.theme = theme;
} catch {
  // Storage may be blocked; the system setting then decides.
}
