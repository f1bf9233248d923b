// Footnotes become sidenotes: in the margin beside their reference on wide screens, and a
// popover that the reference opens (click, tap, Enter; Escape closes) on narrow ones. The
// footnote list at the end stays, so the page reads the same without JavaScript and in print.
const WIDE = window.matchMedia("(min-width: 82rem)");

function noteFor(ref, index) {
  const item = document.getElementById(ref.getAttribute("href").slice(1));
  if (!item) return null;
  const note = document.createElement("aside");
  note.className = "sidenote";
  note.id = `sidenote-${index + 1}`;
  note.setAttribute("role", "note");
  note.tabIndex = -1;
  const number = document.createElement("span");
  number.className = "sidenote-number";
  number.textContent = `${index + 1}. `;
  note.append(number);
  // The note's paragraphs, inline after its number (a one-paragraph note reads as one line).
  item.querySelectorAll(":scope > p").forEach((paragraph, i) => {
    if (i > 0) note.append(document.createElement("br"));
    for (const child of paragraph.childNodes) note.append(child.cloneNode(true));
  });
  note.querySelectorAll(".footnote-backref").forEach((link) => link.remove());
  return note;
}

function setOpen(ref, note, open) {
  note.classList.toggle("is-open", open);
  ref.setAttribute("aria-expanded", String(open));
}

document.querySelectorAll("sup.footnote-ref > a").forEach((ref, index) => {
  const note = noteFor(ref, index);
  if (!note) return;
  const block = ref.closest("p, li, blockquote, td") || ref.parentElement;
  block.after(note);
  ref.setAttribute("aria-controls", note.id);
  ref.setAttribute("aria-expanded", "false");
  ref.addEventListener("click", (event) => {
    if (WIDE.matches) return; // the note is already beside the text; follow the link as usual
    event.preventDefault();
    const open = !note.classList.contains("is-open");
    setOpen(ref, note, open);
    if (open) note.focus();
  });
  note.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      setOpen(ref, note, false);
      ref.focus();
    }
  });
});
document.documentElement.classList.add("has-sidenotes");
