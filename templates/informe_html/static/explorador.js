// The offline explorer of the report (nnsimple_lab/report/explorer.py writes its data).
// Pick a learning rate, an initialisation and a loss: the run's cost curve and decision
// boundary are drawn as SVG from the page's own data, with its key numbers. No request leaves
// the page. Without scripts the section says where the runs' notebooks are (the annex).
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";

  function el(name, attributes, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes || {}).forEach(function (k) { node.setAttribute(k, attributes[k]); });
    if (parent) { parent.appendChild(node); }
    return node;
  }

  function text(parent, x, y, content, attributes) {
    var node = el("text", Object.assign({ x: x, y: y }, attributes || {}), parent);
    node.textContent = content;
    return node;
  }

  function clear(svg) { while (svg.firstChild) { svg.removeChild(svg.firstChild); } }

  function superscript(n) {
    var map = { "-": "\u207b", "0": "\u2070", "1": "\u00b9", "2": "\u00b2", "3": "\u00b3", "4": "\u2074",
      "5": "\u2075", "6": "\u2076", "7": "\u2077", "8": "\u2078", "9": "\u2079" };
    return String(n).split("").map(function (c) { return map[c]; }).join("");
  }

  // The cost curve: iterations on x, the cost on y (logarithmic when every value is positive).
  function drawCost(svg, run) {
    clear(svg);
    var W = 560, H = 280, left = 64, right = 24, top = 14, bottom = 44;
    var points = run.cost.filter(function (p) { return p[1] !== null; });
    var ys = points.map(function (p) { return p[1]; });
    var log = ys.length > 0 && ys.every(function (y) { return y > 0; });
    var f = log ? Math.log10 : function (y) { return y; };
    var lo = Math.min.apply(null, ys.map(f)), hi = Math.max.apply(null, ys.map(f));
    if (log) { lo = Math.floor(lo); hi = Math.ceil(hi); }
    if (hi - lo < 1e-12) { lo -= 0.5; hi += 0.5; }
    var kMax = Math.max(1, run.cost[run.cost.length - 1][0]);
    function X(k) { return left + (W - left - right) * k / kMax; }
    function Y(y) { return top + (H - top - bottom) * (hi - f(y)) / (hi - lo); }
    el("rect", { x: left, y: top, width: W - left - right, height: H - top - bottom, fill: "#fff", stroke: "#888" }, svg);
    var ticks = log ? [] : [lo, (lo + hi) / 2, hi];
    for (var e = lo; log && e <= hi; e += Math.max(1, Math.ceil((hi - lo) / 5))) { ticks.push(e); }
    ticks.forEach(function (t) {
      var y = top + (H - top - bottom) * (hi - t) / (hi - lo);
      el("line", { x1: left, x2: W - right, y1: y, y2: y, stroke: "#ddd" }, svg);
      text(svg, left - 6, y + 4, log ? "10" + superscript(t) : t.toFixed(2), { "text-anchor": "end" });
    });
    [0, Math.round(kMax / 2), kMax].forEach(function (k) {
      text(svg, X(k), H - bottom + 16, String(k), { "text-anchor": "middle" });
    });
    text(svg, left + (W - left - right) / 2, H - 6, "Iteración", { "text-anchor": "middle" });
    text(svg, 14, top + (H - top - bottom) / 2, run.costLabel + (log ? ", escala log" : ""),
      { "text-anchor": "middle", transform: "rotate(-90 14 " + (top + (H - top - bottom) / 2) + ")" });
    var path = points.map(function (p) { return X(p[0]).toFixed(1) + "," + Y(p[1]).toFixed(1); }).join(" ");
    el("polyline", { points: path, fill: "none", stroke: "#1f77b4", "stroke-width": 2 }, svg);
  }

  // Blue (class 0) through white (A2 = 0.5) to red (class 1).
  function colour(a) {
    if (a === null) { return "#999"; }
    var blue = [33, 102, 172], red = [178, 24, 43], white = [247, 247, 247];
    var from = a < 0.5 ? blue : white, to = a < 0.5 ? white : red, t = a < 0.5 ? a * 2 : (a - 0.5) * 2;
    return "rgb(" + from.map(function (c, i) { return Math.round(c + (to[i] - c) * t); }).join(",") + ")";
  }

  // The output A2 over the plane, cell by cell, and the data set's examples.
  function drawBoundary(svg, run, data) {
    clear(svg);
    var S = 280, pad = 36, n = Math.round(Math.sqrt(run.boundary.length));
    var lo = data.plane[0], hi = data.plane[1], side = (S - 2 * pad) / n;
    function P(v) { return pad + (S - 2 * pad) * (v - lo) / (hi - lo); }
    run.boundary.forEach(function (a, i) {
      var col = i % n, row = Math.floor(i / n);
      el("rect", { x: pad + col * side, y: S - pad - (row + 1) * side, width: side + 0.5, height: side + 0.5,
        fill: colour(a) }, svg);
    });
    el("rect", { x: pad, y: pad, width: S - 2 * pad, height: S - 2 * pad, fill: "none", stroke: "#888" }, svg);
    data.examples.y.forEach(function (y, i) {  // white rings, the class's colour inside: seen on either region
      var c = { cx: P(data.examples.x1[i]), cy: S - P(data.examples.x2[i]) };
      el("circle", Object.assign({ r: 9, fill: "#fff", stroke: "#000", "stroke-width": 1 }, c), svg);
      el("circle", Object.assign({ r: 5, fill: y ? "#b2182b" : "#2166ac" }, c), svg);
    });
    text(svg, S / 2, S - 8, "x\u2081", { "text-anchor": "middle" });
    text(svg, 12, S / 2, "x\u2082", { "text-anchor": "middle" });
  }

  function show(root, data) {
    var pick = {};
    root.querySelectorAll("select").forEach(function (s) { pick[s.dataset.eje] = s.value; });
    var run = data.runs[pick.rate + "|" + pick.init + "|" + pick.loss];
    var view = root.querySelector(".explorador-vista"), message = root.querySelector(".explorador-mensaje");
    var link = root.querySelector(".explorador-enlace a"), figures = root.querySelectorAll("svg");
    var done = run && !run.error;
    view.hidden = !done;
    message.textContent = !run ? data.missing : (run.error || "");
    if (run && run.page) { link.href = run.page; link.textContent = "Cuaderno ejecutado de " + run.id; }
    link.parentNode.hidden = !(run && run.page);
    if (!done) { return; }
    drawCost(figures[0], run);
    drawBoundary(figures[1], run, data);
    figures[0].setAttribute("aria-label", "Costo por iteración. " + run.summary);
    figures[1].setAttribute("aria-label", "Frontera de decisión: salida de la red sobre el plano, de azul " +
      "(clase 0) a rojo (clase 1), con los ejemplos como círculos.");
    var list = root.querySelector(".explorador-cifras");
    list.textContent = "";
    run.numbers.forEach(function (pair) {
      var dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = pair[0]; dd.textContent = pair[1];
      list.appendChild(dt); list.appendChild(dd);
    });
  }

  function fill(select, options) {
    options.forEach(function (o) {
      var option = document.createElement("option");
      option.value = o[0]; option.textContent = o[1];
      select.appendChild(option);
    });
  }

  document.querySelectorAll(".explorador").forEach(function (root) {
    var data = JSON.parse(root.querySelector(".explorador-datos").textContent);
    var menus = {};
    root.querySelectorAll("select").forEach(function (s) { menus[s.dataset.eje] = s; });
    fill(menus.rate, data.rates.map(function (r) { return [r, "α = " + r]; }));
    fill(menus.init, data.inits);
    fill(menus.loss, data.losses);
    Object.keys(menus).forEach(function (k) { menus[k].addEventListener("change", function () { show(root, data); }); });
    root.querySelector(".explorador-controles").hidden = false;
    show(root, data);
  });
}());
