// The entry module: importing it defines every figure element. Pages load only the
// components they use (static/js/components/<element>.js); embedders may load this instead.
import "./components/ecco-generate.js";
import "./components/ecco-saliency.js";
import "./components/ecco-layer-predictions.js";
import "./components/ecco-rankings.js";
import "./components/ecco-rankings-watch.js";
import "./components/ecco-factors.js";
