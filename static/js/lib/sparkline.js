// A small line chart of one series, as SVG (the factors' sparklines).
const SVG = "http://www.w3.org/2000/svg";

/**
 * A 160×26 sparkline of the values, with a faint zero line when some are negative.
 * @param {number[]} values the series
 * @param {number[]} rgb the line's colour, [r, g, b]
 * @returns {SVGSVGElement}
 */
export function sparkline(values, rgb) {
  const width = 160;
  const height = 26;
  const low = Math.min(0, ...values);
  const high = Math.max(1e-12, ...values);
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(height));
  svg.setAttribute("aria-hidden", "true");
  const line = document.createElementNS(SVG, "polyline");
  const step = width / Math.max(1, values.length - 1);
  line.setAttribute("points", values.map((v, i) =>
    `${(i * step).toFixed(1)},${(height - 1 - ((v - low) / (high - low)) * (height - 2)).toFixed(1)}`).join(" "));
  line.setAttribute("fill", "none");
  line.setAttribute("stroke", `rgb(${rgb.join(",")})`);
  line.setAttribute("stroke-width", "1.5");
  if (low < 0) {
    const zero = document.createElementNS(SVG, "line");
    const y = (height - 1 - ((0 - low) / (high - low)) * (height - 2)).toFixed(1);
    zero.setAttribute("x1", "0");
    zero.setAttribute("x2", String(width));
    zero.setAttribute("y1", y);
    zero.setAttribute("y2", y);
    zero.setAttribute("stroke", "currentColor");
    zero.setAttribute("stroke-opacity", "0.3");
    svg.append(zero);
  }
  svg.append(line);
  return svg;
}
