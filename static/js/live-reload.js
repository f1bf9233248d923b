// Only included by `ecco-build serve`: reload the page when a rebuild finishes.
let known = null;
async function poll() {
  try {
    const response = await fetch("/__ecco_build_id", { cache: "no-store" });
    const id = await response.text();
    if (known !== null && id !== known) location.reload();
    known = id;
  } catch {
    // The server restarted or stopped; keep trying.
  }
  setTimeout(poll, 700);
}
poll();
