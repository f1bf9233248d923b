// The "Embed and export" panel in each figure's notes: a Copy button beside each snippet
// copies it with the clipboard API and says so in the panel's polite live region. The
// buttons are hidden until this script runs; without it the read-only fields can still be
// selected and copied by hand. If the clipboard refuses (an insecure origin, a denied
// permission), the snippet is selected and the live region says how to copy it.
for (const panel of document.querySelectorAll(".ecco-embed-panel")) {
  const status = panel.querySelector(".ecco-copy-status");
  for (const button of panel.querySelectorAll("button.ecco-copy")) {
    const field = document.getElementById(button.dataset.copy);
    if (!field) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      status.textContent = "";
      try {
        if (!navigator.clipboard) throw new Error("this page may not use the clipboard");
        await navigator.clipboard.writeText(field.value);
        status.textContent = `Copied the ${button.dataset.what}.`;
      } catch (error) {
        field.focus();
        field.select();
        status.textContent = `Could not copy (${error.message || error}): the snippet is selected, press Ctrl+C or ⌘C.`;
      }
    });
  }
}
