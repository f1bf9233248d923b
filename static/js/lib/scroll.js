// A box that scrolls sideways, with a cue while its content is wider than it (the layer grid,
// the attention matrix): static/css/ecco.css draws the cue and the edge shadow from the frame's
// is-overflowing and is-at-end classes.

/**
 * `area` in a sideways-scrolling box inside a frame that also holds the cue.
 * @param {HTMLElement} area what may be wider than the figure
 * @param {string} className the frame's class
 * @param {string} words the cue's text, e.g. "Scroll sideways for more →"
 * @param {function(): void} [resized] called, besides the cue's update, whenever the box resizes
 * @returns {HTMLElement} the frame
 */
export function scrollFrame(area, className, words, resized) {
  const scroll = document.createElement("div");
  scroll.className = "ecco-scroll";
  scroll.append(area);
  const cue = document.createElement("p");
  cue.className = "ecco-scroll-cue";
  cue.textContent = words;
  const frame = document.createElement("div");
  frame.className = className;
  frame.append(scroll, cue);
  const mark = () => {
    const over = scroll.scrollWidth > scroll.clientWidth + 1;
    frame.classList.toggle("is-overflowing", over);
    frame.classList.toggle("is-at-end", over && scroll.scrollLeft + scroll.clientWidth >= scroll.scrollWidth - 1);
  };
  scroll.addEventListener("scroll", mark, { passive: true });
  new ResizeObserver(() => {
    mark();
    resized?.();
  }).observe(scroll);
  return frame;
}
