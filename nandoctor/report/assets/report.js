/* nandoctor report: interactive curves (uPlot), the step inspector and the network diagram, from the embedded JSON. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("nd-data").textContent);
  var ON_BOUND = 1e-18; // a distance of exactly 0 is drawn here on a log scale (the bottom of the chart)
  var charts = [];
  var syncing = false;
  var selected = null; // the step the inspector and the diagram show

  function toNumber(v) {
    if (v === "NaN") return NaN;
    if (v === "Infinity") return Infinity;
    if (v === "-Infinity") return -Infinity;
    return v;
  }
  function fmt(v) {
    v = toNumber(v);
    if (v === null || v === undefined) return "–";
    if (typeof v !== "number") return String(v);
    if (isNaN(v)) return "NaN";
    if (!isFinite(v)) return v > 0 ? "inf" : "-inf";
    if (v === 0) return "0";
    var a = Math.abs(v);
    if (a >= 1e5 || a < 1e-3) return v.toExponential(4).replace("e+", "e");
    return String(Number(v.toPrecision(6)));
  }
  function tick(v) {
    var a = Math.abs(v);
    if (v === 0) return "0";
    if (a >= 1e4 || a < 1e-3) return v.toExponential(0).replace("e+", "e");
    return String(Number(v.toPrecision(3)));
  }
  function stepTick(v) {
    if (v === null || v !== Math.round(v)) return v === null ? "" : String(Number(v.toPrecision(4)));
    if (Math.abs(v) >= 1e6) return Number((v / 1e6).toPrecision(3)) + "M";
    if (Math.abs(v) >= 1e4) return Number((v / 1e3).toPrecision(3)) + "k";
    return String(v);
  }
  function logSplits(u, axisIdx, min, max) {
    // At most about six decades labelled: a 1e-18 to 1 range would otherwise draw a line every ninth of a decade.
    var lo = Math.floor(Math.log10(min)), hi = Math.ceil(Math.log10(max));
    var every = Math.max(1, Math.ceil((hi - lo) / 6)), out = [];
    for (var e = lo; e <= hi; e += every) out.push(Math.pow(10, e));
    return out;
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function css(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || "#000";
  }

  // -- curves ---------------------------------------------------------------------------------
  var LABEL_ROWS = 3;
  var MARKER_COLOURS = { nonfinite: "--bad", error: "--bad", warning: "--warn", info: "--muted" };

  function plotValues(curve, ys, log) {
    return ys.map(function (v) {
      v = toNumber(v);
      if (v === null || v === undefined || !isFinite(v)) return null;
      if (log) {
        if (curve.bound && v <= 0) return ON_BOUND;
        if (v <= 0) return null;
      }
      if (curve.percent) return v * 100;
      return v;
    });
  }

  function markerPlugin(curve) {
    return {
      hooks: {
        drawClear: function (u) {
          // Steps where the value held NaN or infinity: shaded red behind the line.
          if (!curve.bad) return;
          var ctx = u.ctx, top = u.bbox.top, h = u.bbox.height;
          ctx.save();
          ctx.beginPath();
          ctx.rect(u.bbox.left, top, u.bbox.width, h);
          ctx.clip();
          ctx.fillStyle = "rgba(198,40,40,0.18)";
          var xs = u.data[0];
          for (var i = 0; i < xs.length; i++) {
            var b = toNumber(curve.bad[i]);
            if (b > 0 || (typeof b === "number" && isNaN(b))) {
              var x0 = u.valToPos(xs[i], "x", true);
              var x1 = i + 1 < xs.length ? u.valToPos(xs[i + 1], "x", true) : x0 + 2;
              ctx.fillRect(x0, top, Math.max(1, x1 - x0), h);
            }
          }
          ctx.restore();
        },
        draw: function (u) {
          var ctx = u.ctx, top = u.bbox.top, h = u.bbox.height;
          var dpr = window.devicePixelRatio || 1;
          var min = u.scales.x.min, max = u.scales.x.max;
          var rowsRight = [];
          // The inspected step: a solid line in the link colour.
          if (selected !== null && selected >= min && selected <= max) {
            var sx = Math.round(u.valToPos(selected, "x", true));
            ctx.strokeStyle = css("--link");
            ctx.lineWidth = 2 * dpr;
            ctx.setLineDash([]);
            ctx.beginPath(); ctx.moveTo(sx, top); ctx.lineTo(sx, top + h); ctx.stroke();
          }
          ctx.save();
          ctx.font = (11 * dpr) + "px system-ui, sans-serif";
          ctx.textAlign = "left";
          ctx.textBaseline = "alphabetic";
          // A narrow chart names its markers by their number in the list above it.
          var narrow = u.bbox.width / dpr < 520;
          DATA.markers.forEach(function (m, k) {
            if (m.step < min || m.step > max) return;
            var name = narrow ? String(k + 1) : (k + 1) + " " + m.short;
            var x = Math.round(u.valToPos(m.step, "x", true));
            ctx.strokeStyle = css(MARKER_COLOURS[m.kind] || "--muted");
            ctx.lineWidth = (m.kind === "nonfinite" ? 2 : 1) * dpr;
            ctx.setLineDash(m.kind === "nonfinite" ? [] : [4 * dpr, 3 * dpr]);
            ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + h); ctx.stroke();
            // Labels in the band above the plot (never over the data), side by side, stacked in up to
            // LABEL_ROWS rows; a label that fits nowhere is shortened to its number.
            var place = function (text) {
              var w = ctx.measureText(text).width;
              var tx = Math.max(u.bbox.left, Math.min(x - w / 2, u.bbox.left + u.bbox.width - w));
              for (var row = 0; row < LABEL_ROWS; row++) {
                if (rowsRight[row] === undefined || tx - 6 * dpr > rowsRight[row]) {
                  rowsRight[row] = tx + w;
                  ctx.fillText(text, tx, top - 4 * dpr - (LABEL_ROWS - 1 - row) * 13 * dpr);
                  return true;
                }
              }
              return false;
            };
            ctx.fillStyle = css(MARKER_COLOURS[m.kind] || "--muted");
            if (!place(name)) place(String(k + 1));
          });
          ctx.restore();
        }
      }
    };
  }

  function chartWidth(box) {
    return Math.max(260, Math.floor(box.getBoundingClientRect().width) - 4);
  }

  function makeChart(fig, curve, log, range) {
    var box = fig.querySelector(".nd-plot");
    box.innerHTML = "";
    var data = [curve.x.slice()];
    var series = [{ label: "step" }];
    var colours = [css("--line1"), css("--line2")];
    curve.series.forEach(function (s, i) {
      var ys = plotValues(curve, s.y, log);
      data.push(ys);
      // Few values (a screened array's checked records): draw them as dots, or they would not show at all.
      var few = ys.filter(function (v) { return v !== null; }).length < 60;
      series.push({
        label: s.label, stroke: s.faint ? css("--faint") : colours[i % 2], width: s.faint ? 1 : 1.75,
        spanGaps: few, points: { show: few, size: 6, fill: colours[i % 2] }
      });
    });
    var narrow = window.innerWidth < 600;
    var opts = {
      width: chartWidth(box), height: (narrow ? 180 : 220) + LABEL_ROWS * 13,
      padding: [LABEL_ROWS * 13 + 6, 12, 0, 0],
      legend: { show: false },
      cursor: { sync: { key: "nd" }, drag: { x: true, y: false, setScale: true }, points: { size: 7 } },
      scales: {
        x: { time: false },
        y: log ? { distr: 3 } : { auto: true, range: curve.percent ? [0, 100] : undefined }
      },
      axes: [
        { label: "training step", stroke: css("--ink"), space: 70,
          values: function (u, vals) { return vals.map(stepTick); }, grid: { stroke: css("--grid") }, ticks: { stroke: css("--grid") },
          font: (narrow ? 12 : 11) + "px system-ui", labelFont: "bold 12px system-ui" },
        { label: (curve.percent ? "% right" : curve.series[0].label) + (log ? " (log scale)" : " (linear scale)"),
          stroke: css("--ink"), grid: { stroke: css("--grid") }, ticks: { stroke: css("--grid") }, size: 64,
          font: (narrow ? 12 : 11) + "px system-ui", labelFont: "bold 12px system-ui",
          splits: log ? logSplits : undefined,
          values: function (u, vals) { return vals.map(function (v) { return v === null ? "" : tick(v); }); } }
      ],
      series: series,
      plugins: [markerPlugin(curve)],
      hooks: {
        setCursor: [function (u) { readout(fig, curve, u); }],
        setScale: [function (u, key) { if (key === "x") syncRange(u); }]
      }
    };
    var u = new uPlot(opts, data, box);
    syncing = true;
    u.setScale("x", range || DATA.view);
    syncing = false;
    u.nd = { fig: fig, curve: curve, log: log };
    attachInteractions(u);
    return u;
  }

  function readout(fig, curve, u) {
    var out = fig.querySelector(".nd-readout");
    var i = u.cursor.idx;
    if (i === null || i === undefined) { out.textContent = "Point at the chart to read a value; drag to zoom; click to inspect that step."; return; }
    var parts = ["step " + curve.x[i]];
    curve.series.forEach(function (s) {
      var v = toNumber(s.y[i]);
      var txt = curve.percent && typeof v === "number" && isFinite(v) ? (100 * v).toFixed(1) + "%" : fmt(v);
      if (curve.bound && v === 0) txt = "0 (exactly on the bound)";
      parts.push(s.label + " = " + txt);
    });
    if (curve.bad && toNumber(curve.bad[i]) > 0) parts.push(fmt(curve.bad[i]) + " NaN/inf elements");
    out.textContent = parts.join(" · ");
  }

  function syncRange(src) {
    if (syncing) return;
    syncing = true;
    var r = { min: src.scales.x.min, max: src.scales.x.max };
    charts.forEach(function (u) { if (u !== src) u.setScale("x", r); });
    syncing = false;
    var lbl = document.getElementById("nd-range");
    if (lbl) lbl.textContent = "Showing steps " + Math.round(r.min) + " to " + Math.round(r.max) + " of 0 to " + DATA.last_step + ".";
  }

  function setRange(min, max) {
    if (!charts.length) return;
    charts[0].setScale("x", { min: min, max: max });
  }

  function attachInteractions(u) {
    var down = null;
    u.over.addEventListener("mousedown", function (e) { down = [e.clientX, e.clientY]; });
    u.over.addEventListener("click", function (e) {
      // A click, not the end of a drag-zoom, inspects the step under the pointer.
      if (down && Math.abs(e.clientX - down[0]) + Math.abs(e.clientY - down[1]) > 4) return;
      var rect = u.over.getBoundingClientRect();
      var step = Math.round(u.posToVal(e.clientX - rect.left, "x"));
      var near = nearestMarker(u, e.clientX - rect.left);
      inspect(near !== null ? near : step, true);
    });
    u.over.addEventListener("wheel", function (e) {
      e.preventDefault();
      var rect = u.over.getBoundingClientRect();
      var at = u.posToVal(e.clientX - rect.left, "x");
      var f = e.deltaY < 0 ? 0.7 : 1 / 0.7;
      var min = at - (at - u.scales.x.min) * f, max = at + (u.scales.x.max - at) * f;
      setRange(Math.max(0, min), Math.min(DATA.last_step, max));
    }, { passive: false });
  }

  function nearestMarker(u, px) {
    var best = null, bestD = 5;
    DATA.markers.forEach(function (m) {
      var d = Math.abs(u.valToPos(m.step, "x") - px);
      if (d < bestD) { bestD = d; best = m.step; }
    });
    return best;
  }

  function describe(curve) {
    // What the chart shows, in words, for a screen reader: first, lowest, highest and last value, first NaN.
    var ys = curve.series[0].y.map(toNumber), xs = curve.x, first = null, last = null, lo = null, hi = null, bad = null;
    for (var i = 0; i < ys.length; i++) {
      var v = ys[i];
      if (typeof v !== "number") continue;
      if (!isFinite(v)) { if (bad === null) bad = xs[i]; continue; }
      if (first === null) first = i;
      last = i;
      if (lo === null || v < ys[lo]) lo = i;
      if (hi === null || v > ys[hi]) hi = i;
    }
    var f = function (k) { return fmt(curve.percent ? ys[k] * 100 : ys[k]) + (curve.percent ? "%" : "") + " at step " + xs[k]; };
    var words = curve.title + " by training step (" + (curve.scale === "log" ? "log" : "linear") + " scale)";
    if (first !== null) words += ": " + f(first) + " first, lowest " + f(lo) + ", highest " + f(hi) + ", last " + f(last);
    if (bad !== null) words += "; NaN or infinite from step " + bad;
    return words + ".";
  }

  function buildCurves() {
    var host = document.getElementById("nd-curves");
    if (!host) return;
    DATA.markers.forEach(function (m) { m.short = m.title || m.label; });
    DATA.curves.forEach(function (curve) {
      var fig = el("figure", { "class": "nd-chart", id: "chart-" + curve.id, "data-curve": curve.id });
      var head = el("figcaption");
      head.appendChild(el("strong", null, curve.title));
      if (curve.why) head.appendChild(el("span", { "class": "muted" }, " — plotted because: " + curve.why));
      fig.appendChild(head);
      if (curve.missing) {
        fig.appendChild(el("p", { "class": "muted" }, "Not shown: " + curve.missing + "."));
        host.appendChild(fig);
        return;
      }
      fig.appendChild(el("p", { "class": "nd-help" }, curve.what));
      var tools = el("div", { "class": "nd-tools" });
      if (curve.log_ok) {
        var b = el("button", { type: "button", "class": "nd-scale", "aria-pressed": curve.scale === "log" ? "true" : "false" });
        tools.appendChild(b);
      }
      fig.appendChild(tools);
      fig.appendChild(el("div", { "class": "nd-plot", role: "img", "aria-label": describe(curve) }));
      fig.appendChild(el("div", { "class": "nd-readout", "aria-live": "polite" }, "Point at the chart to read a value; drag to zoom; click to inspect that step."));
      if (curve.note) fig.appendChild(el("p", { "class": "nd-note" }, curve.note));
      host.appendChild(fig);
      var log = curve.scale === "log";
      var u = makeChart(fig, curve, log);
      charts.push(u);
      var btn = fig.querySelector(".nd-scale");
      if (btn) {
        var label = function () {
          var log = charts.filter(function (c) { return c.nd.fig === fig; })[0].nd.log;
          btn.textContent = "Scale: " + (log ? "log" : "linear") + " (switch to " + (log ? "linear" : "log") + ")";
        };
        label();
        btn.addEventListener("click", function () {
          // The chart of this figure now (a colour-scheme change redraws every chart as a new object).
          var k = charts.findIndex(function (c) { return c.nd.fig === fig; });
          var old = charts[k];
          var r = { min: old.scales.x.min, max: old.scales.x.max };
          old.destroy();
          charts[k] = makeChart(fig, curve, !old.nd.log, r);
          btn.setAttribute("aria-pressed", charts[k].nd.log ? "true" : "false");
          label();
        });
      }
    });
    var whole = document.getElementById("nd-whole");
    if (whole) whole.addEventListener("click", function () { setRange(0, DATA.last_step); });
    var zoom = document.getElementById("nd-zoom-bad");
    if (zoom) zoom.addEventListener("click", function () {
      var s = DATA.first_nonfinite;
      setRange(Math.max(0, s - 40), Math.min(DATA.last_step, s + 5));
    });
    [["nd-pan-left", -0.5], ["nd-pan-right", 0.5]].forEach(function (p) {
      var b = document.getElementById(p[0]);
      if (b) b.addEventListener("click", function () {
        var u = charts[0], w = u.scales.x.max - u.scales.x.min;
        var min = Math.max(0, Math.min(DATA.last_step - w, u.scales.x.min + p[1] * w));
        setRange(min, min + w);
      });
    });
    var resize;
    window.addEventListener("resize", function () {
      clearTimeout(resize);
      resize = setTimeout(function () {
        charts.forEach(function (u) { var box = u.root.parentNode; u.setSize({ width: chartWidth(box), height: u.height }); });
      }, 100);
    });
    if (window.matchMedia) {
      window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", redrawAll);
      window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", redrawCompare);
    }
  }

  function redrawAll() {
    charts = charts.map(function (u) {
      var r = { min: u.scales.x.min, max: u.scales.x.max };
      var fig = u.nd.fig, curve = u.nd.curve, log = u.nd.log;
      u.destroy();
      return makeChart(fig, curve, log, r);
    });
    drawNetwork();
  }

  // -- the step inspector -------------------------------------------------------------------------
  function embeddedStep(step) {
    var steps = DATA.inspector.steps;
    if (!steps.length) return null;
    var best = steps[0];
    steps.forEach(function (s) { if (Math.abs(s - step) < Math.abs(best - step)) best = s; });
    return best;
  }

  function valueCell(rec) {
    var td = el("td", { "class": "nd-val" });
    if (!rec) { td.appendChild(el("span", { "class": "muted" }, "not recorded at this step")); return td; }
    var bad = rec.nan + rec.inf;
    if (bad) td.classList.add("nd-bad");
    var line = rec.shape + (rec.n > 1 ? " (last of " + rec.n + " records)" : "");
    td.appendChild(el("div", { "class": "muted" }, line));
    if (rec.screened) {
      td.appendChild(el("div", null, "screened: this large array was not read at this step"));
      return td;
    }
    var stats = "min " + fmt(rec.min) + " · max " + fmt(rec.max) + " · mean " + fmt(rec.mean);
    td.appendChild(el("div", { "class": "mono" }, stats));
    if (bad) td.appendChild(el("div", { "class": "nd-badtext" }, (rec.nan ? rec.nan + " NaN" : "") + (rec.nan && rec.inf ? ", " : "") + (rec.inf ? rec.inf + " inf" : "") + " of " + rec.size + " elements"));
    if (rec.elements) {
      var pre = el("div", { "class": "nd-elements mono" });
      var dims = rec.shape.replace(/[()\s]/g, "").split(",").filter(Boolean).map(Number);
      var cols = dims.length >= 2 ? dims[dims.length - 1] : rec.elements.length;
      var lines = [];
      for (var i = 0; i < rec.elements.length; i += Math.max(1, cols)) lines.push(rec.elements.slice(i, i + cols).map(fmt).join(", "));
      pre.textContent = lines.length > 1 ? "[" + lines.map(function (l) { return "[" + l + "]"; }).join(",\n ") + "]" : "[" + lines[0] + "]";
      pre.setAttribute("data-elements", JSON.stringify(rec.elements));
      td.appendChild(pre);
    }
    return td;
  }

  function inspect(step, scroll) {
    var ins = DATA.inspector;
    var sec = document.getElementById("inspector");
    if (!sec || !ins.steps.length) return;
    var s = embeddedStep(step);
    selected = s;
    var idx = ins.steps.indexOf(s);
    var before = s > 0 && ins.steps.indexOf(s - 1) >= 0 ? s - 1 : (idx > 0 ? ins.steps[idx - 1] : null);
    sec.setAttribute("data-step", String(s));
    document.getElementById("nd-step-title").textContent = "Step " + s + (before === null ? "" : before === s - 1
      ? ", beside step " + before + " before it"
      : ", beside step " + before + " (the nearest earlier step with embedded values)");
    var note = document.getElementById("nd-step-note");
    note.textContent = s !== step ? "Values are embedded for " + ins.steps.length + " steps; the nearest to step " + step + " is step " + s + "." : "";
    var sel = document.getElementById("nd-step-select");
    sel.value = String(s);
    var scrub = document.getElementById("nd-step-scrub");
    if (scrub) scrub.value = String(idx);
    charts.forEach(function (c) { c.redraw(false, false); });
    var table = document.getElementById("nd-inspect-table");
    table.innerHTML = "";
    var head = el("tr");
    ["line", "source", "step " + (before === null ? "–" : before), "step " + s].forEach(function (h) { head.appendChild(el("th", { scope: "col" }, h)); });
    var thead = el("thead"); thead.appendChild(head); table.appendChild(thead);
    var tbody = el("tbody");
    ins.sites.forEach(function (site) {
      var now = site.values[String(s)], prev = before === null ? null : site.values[String(before)];
      if (!now && !prev) return;
      var tr = el("tr", { "data-site": site.target, "data-line": site.line });
      tr.appendChild(el("td", { "class": "num" }, site.line));
      var src = el("td");
      src.appendChild(el("code", { "class": "nd-src" }, site.code));
      src.appendChild(el("div", { "class": "muted" }, site.label + " in " + site.function + "()"));
      tr.appendChild(src);
      tr.appendChild(valueCell(prev));
      tr.appendChild(valueCell(now));
      if (now && now.nan + now.inf) tr.classList.add("hasbad");
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    document.querySelectorAll("[data-inspect].nd-current").forEach(function (e) { e.classList.remove("nd-current"); });
    document.querySelectorAll('[data-inspect="' + s + '"]').forEach(function (e) { e.classList.add("nd-current"); });
    drawNetwork();
    if (scroll) sec.scrollIntoView({ block: "start" });
  }

  function buildInspector() {
    var ins = DATA.inspector;
    var sel = document.getElementById("nd-step-select");
    if (!sel) return;
    ins.steps.forEach(function (s) { sel.appendChild(el("option", { value: String(s) }, "step " + s)); });
    sel.addEventListener("change", function () { inspect(Number(sel.value), false); });
    var scrub = document.getElementById("nd-step-scrub");
    scrub.max = String(ins.steps.length - 1);
    scrub.addEventListener("input", function () { inspect(ins.steps[Number(scrub.value)], false); });
    document.getElementById("nd-step-prev").addEventListener("click", function () {
      var i = ins.steps.indexOf(selected); if (i > 0) inspect(ins.steps[i - 1], false);
    });
    document.getElementById("nd-step-next").addEventListener("click", function () {
      var i = ins.steps.indexOf(selected); if (i + 1 < ins.steps.length) inspect(ins.steps[i + 1], false);
    });
    document.querySelectorAll("[data-inspect]").forEach(function (e) {
      e.addEventListener("click", function (ev) {
        if (ev.target.closest("a")) return;
        inspect(Number(e.getAttribute("data-inspect")), true);
      });
      e.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); inspect(Number(e.getAttribute("data-inspect")), true); }
      });
    });
    var first = DATA.first_nonfinite !== null ? DATA.first_nonfinite : DATA.last_step;
    inspect(first, false);
  }

  // -- the network diagram ----------------------------------------------------------------------
  var SVGNS = "http://www.w3.org/2000/svg";
  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function drawNetwork() {
    var host = document.getElementById("nd-network");
    var net = DATA.network;
    if (!host || !net || net.missing || selected === null) return;
    host.innerHTML = "";
    var key = String(selected);
    var SHOWN = 16;
    var W = Math.max(320, Math.min(900, host.getBoundingClientRect().width || 700));
    var maxUnits = Math.min(SHOWN, Math.max.apply(null, net.layers.map(function (l) { return l.units; })));
    var H = 60 + maxUnits * 34;
    var g = svg("svg", { viewBox: "0 0 " + W + " " + H, width: "100%", role: "img", "class": "nd-net" });
    var desc = [];
    var colX = function (i) { return 60 + i * (W - 120) / Math.max(1, net.layers.length - 1); };
    var unitY = function (i, j) {
      var n = Math.min(SHOWN, net.layers[i].units);
      return 40 + (H - 70) * (n === 1 ? 0.5 : j / (n - 1));
    };
    // Weights: width by |w| at this step, NaN elements dashed red.
    net.weights.forEach(function (w) {
      var v = w.values[key];
      var rows = net.layers[w.from].units, cols = net.layers[w.to].units;
      var big = 0;
      if (v && v.w) v.w.forEach(function (x) { x = toNumber(x); if (isFinite(x)) big = Math.max(big, Math.abs(x)); });
      var nanSet = {};
      if (v) v.nan.forEach(function (k) { nanSet[k] = true; });
      if (v && v.n_nan) desc.push(v.n_nan + " of " + (rows * cols) + " elements of " + w.name + " are NaN or infinite");
      for (var a = 0; a < Math.min(rows, SHOWN); a++) for (var b = 0; b < Math.min(cols, SHOWN); b++) {
        var k = a * cols + b;
        var x = v && v.w ? toNumber(v.w[k]) : null;
        var isBad = !!nanSet[k];
        var width = isBad ? 2.5 : (x !== null && big > 0 ? 0.5 + 4 * Math.abs(x) / big : 1);
        var line = svg("line", {
          x1: colX(w.from), y1: unitY(w.from, a), x2: colX(w.to), y2: unitY(w.to, b),
          "stroke-width": width.toFixed(2),
          "class": isBad ? "nd-w nan" : (x === null ? "nd-w" : (x >= 0 ? "nd-w pos" : "nd-w neg")),
          "data-weight": w.name, "data-index": w.transposed ? (b + "," + a) : (a + "," + b)
        });
        line.appendChild(svg("title", {}, w.name + "[" + line.getAttribute("data-index") + "] = " + (x === null ? "not kept" : fmt(x))));
        g.appendChild(line);
      }
    });
    net.layers.forEach(function (layer, i) {
      var u = net.units[String(i)];
      var v = u ? u.values[key] : null;
      var failing = net.failing && net.failing.layer === i;
      if (failing) {
        g.appendChild(svg("rect", { x: colX(i) - 24, y: 18, width: 48, height: H - 34, rx: 8, "class": "nd-failing" }));
        desc.push(layer.label + " is the failing layer: " + net.failing.why);
      }
      g.appendChild(svg("text", { x: colX(i), y: 12, "text-anchor": "middle", "class": "nd-lbl" },
        layer.label + " (" + layer.units + ")" + (layer.site ? ": " + layer.site : "")));
      for (var j = 0; j < Math.min(layer.units, SHOWN); j++) {
        var cls = "nd-unit";
        var tip = layer.label + " unit " + j;
        if (v && v.nan.indexOf(j) >= 0) { cls += " nan"; tip += ": NaN for samples " + v.nan_samples[String(j)].join(", "); }
        if (v && v.saturated[String(j)]) { cls += " sat"; tip += ": exactly at its bound for samples " + v.saturated[String(j)].join(", "); }
        if (failing && net.failing.step === selected) {
          var els = net.failing.elements.filter(function (e) { return e[e.length - 1] === j; });
          if (els.length) { cls += " nan first"; tip += ": the first non-finite value, at samples " + els.map(function (e) { return e[0]; }).join(", "); }
        }
        var c = svg("circle", { cx: colX(i), cy: unitY(i, j), r: 11, "class": cls, "data-layer": i, "data-unit": j });
        c.appendChild(svg("title", {}, tip));
        g.appendChild(c);
        if (tip.indexOf(":") >= 0) desc.push(tip);
      }
      if (layer.units > SHOWN) g.appendChild(svg("text", { x: colX(i), y: H - 6, "text-anchor": "middle", "class": "nd-lbl" }, "+" + (layer.units - SHOWN) + " more units"));
    });
    var stuck = (net.stuck || []).map(function (s) { return "sample " + s.sample + (s.row ? " " + JSON.stringify(s.row) : ""); });
    if (stuck.length) {
      desc.push("never learned: " + stuck.join(", "));
      // The first stuck sample's input values beside the input units it feeds.
      var row0 = net.stuck[0].row;
      if (row0 && row0.length === net.layers[0].units) {
        for (var q = 0; q < Math.min(row0.length, SHOWN); q++) {
          g.appendChild(svg("text", { x: colX(0) - 18, y: unitY(0, q) + 4, "text-anchor": "end", "class": "nd-lbl nd-stuck",
            "data-stuck-input": q }, fmt(row0[q])));
        }
      }
      var t = svg("text", { x: colX(0) - 50, y: H - 6, "class": "nd-lbl nd-stuck" }, "never learned: " + stuck.join(", "));
      g.appendChild(t);
    }
    g.setAttribute("aria-label", "The network at step " + selected + ": " + net.layers.map(function (l) { return l.units; }).join("-") + " units. " + (desc.length ? desc.join("; ") + "." : "Nothing is highlighted at this step."));
    host.appendChild(g);
    var cap = document.getElementById("nd-network-words");
    if (cap) {
      cap.innerHTML = "";
      cap.appendChild(el("strong", null, "At step " + selected + ": "));
      cap.appendChild(document.createTextNode(desc.length ? desc.join("; ") + "." : "no NaN, no saturated unit, nothing highlighted."));
    }
  }


  // -- the fix plan: each re-run's curves beside the original's, and the sized numbers ---------------------
  var compareCharts = [];

  function makeCompareChart(fig, curve, log) {
    var box = fig.querySelector(".nd-plot");
    box.innerHTML = "";
    var colours = [css("--line2"), css("--line1")];
    var data = [curve.x.slice()];
    var series = [{ label: "step" }];
    curve.series.forEach(function (s, i) {
      var ys = s.y.map(function (v) {
        v = toNumber(v);
        if (v === null || v === undefined || !isFinite(v)) return null;
        if (curve.percent) return 100 * v;
        return log && v <= 0 ? null : v;
      });
      var few = ys.filter(function (v) { return v !== null; }).length < 60;
      data.push(ys);
      series.push({ label: s.label, stroke: colours[i % 2], width: i ? 2 : 1.5, dash: i ? undefined : [6, 4],
                    spanGaps: true, points: { show: few, size: 5, fill: colours[i % 2] } });
    });
    var narrow = window.innerWidth < 600;
    var opts = {
      width: chartWidth(box), height: narrow ? 170 : 200,
      legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: true }, points: { size: 7 } },
      scales: { x: { time: false }, y: log ? { distr: 3 } : { auto: true, range: curve.percent ? [0, 100] : undefined } },
      axes: [
        { label: "training step", stroke: css("--ink"), space: 70, values: function (u, vals) { return vals.map(stepTick); },
          grid: { stroke: css("--grid") }, ticks: { stroke: css("--grid") }, font: "11px system-ui", labelFont: "bold 12px system-ui" },
        { label: (curve.percent ? "% right" : curve.title) + (log ? " (log scale)" : " (linear scale)"), stroke: css("--ink"),
          grid: { stroke: css("--grid") }, ticks: { stroke: css("--grid") }, size: 64, font: "11px system-ui",
          labelFont: "bold 12px system-ui", splits: log ? logSplits : undefined,
          values: function (u, vals) { return vals.map(function (v) { return v === null ? "" : tick(v); }); } }
      ],
      series: series,
      hooks: { setCursor: [function (u) {
        var out = fig.querySelector(".nd-readout"), i = u.cursor.idx;
        if (i === null || i === undefined) { out.textContent = "Point at the chart to read both runs' values; drag to zoom, double-click to zoom out."; return; }
        var parts = ["step " + curve.x[i]];
        curve.series.forEach(function (s) {
          var v = toNumber(s.y[i]);
          var txt = v === null || v === undefined ? "no value kept" : (curve.percent && isFinite(v) ? (100 * v).toFixed(1) + "%" : fmt(v));
          parts.push(s.label + " = " + txt);
        });
        out.textContent = parts.join(" · ");
      }] }
    };
    var u = new uPlot(opts, data, box);
    u.nd = { fig: fig, curve: curve, log: log };
    return u;
  }

  function compareWords(curve) {
    var parts = [];
    curve.series.forEach(function (s) {
      var ys = s.y.map(toNumber), first = null, last = null;
      for (var i = 0; i < ys.length; i++) {
        if (typeof ys[i] !== "number" || !isFinite(ys[i])) continue;
        if (first === null) first = i;
        last = i;
      }
      var f = function (k) { return (curve.percent ? (100 * ys[k]).toFixed(1) + "%" : fmt(ys[k])) + " at step " + curve.x[k]; };
      parts.push(s.label + (first === null ? ": no finite value" : ": " + f(first) + " first, " + f(last) + " last"));
    });
    return curve.title + " by training step, two runs (" + (curve.scale === "log" ? "log" : "linear") + " scale). " + parts.join("; ") + ".";
  }

  function redrawCompare() {
    // The colours are read when a chart is made: a colour-scheme change makes each chart anew.
    compareCharts = compareCharts.map(function (u) {
      var fig = u.nd.fig, curve = u.nd.curve, log = u.nd.log;
      u.destroy();
      return makeCompareChart(fig, curve, log);
    });
  }

  function buildFixPlan() {
    var plan = DATA.fixplan;
    if (!plan) return;
    plan.runs.forEach(function (run) {
      var host = document.querySelector('.nd-compare[data-run="' + run.id + '"]');
      if (!host) return;
      // Every figure first, then the charts: a chart sized before its neighbour exists would overlap it.
      var made = [];
      run.curves.forEach(function (curve) {
        var fig = el("figure", { "class": "nd-chart nd-compare-chart", "data-kind": curve.kind });
        var cap = el("figcaption");
        cap.appendChild(el("strong", null, curve.title + ": the original run (dashed) and " + (curve.series ? curve.series[1].label : "the re-run")));
        fig.appendChild(cap);
        if (curve.missing) { fig.appendChild(el("p", { "class": "muted" }, "Not shown: " + curve.missing + ".")); host.appendChild(fig); return; }
        var tools = el("div", { "class": "nd-tools" });
        if (curve.log_ok) tools.appendChild(el("button", { type: "button", "class": "nd-scale" }));
        fig.appendChild(tools);
        fig.appendChild(el("div", { "class": "nd-plot", role: "img", "aria-label": compareWords(curve) }));
        fig.appendChild(el("div", { "class": "nd-readout", "aria-live": "polite" }, "Point at the chart to read both runs' values; drag to zoom, double-click to zoom out."));
        host.appendChild(fig);
        made.push([fig, curve]);
      });
      made.forEach(function (pair) {
        var fig = pair[0], curve = pair[1];
        var u = makeCompareChart(fig, curve, curve.scale === "log");
        compareCharts.push(u);
        var btn = fig.querySelector(".nd-scale");
        if (btn) {
          var label = function (log) { btn.textContent = "Scale: " + (log ? "log" : "linear") + " (switch to " + (log ? "linear" : "log") + ")"; btn.setAttribute("aria-pressed", log ? "true" : "false"); };
          label(u.nd.log);
          btn.addEventListener("click", function () {
            var k = compareCharts.findIndex(function (c) { return c.nd.fig === fig; });
            var old = compareCharts[k];
            old.destroy();
            compareCharts[k] = makeCompareChart(fig, curve, !old.nd.log);
            label(compareCharts[k].nd.log);
          });
        }
      });
    });
    plan.sizings.forEach(function (z) {
      var host = document.querySelector('.nd-sizing-chart[data-sizing="' + z.id + '"]');
      if (!host) return;
      var pts = z.points.filter(function (p) { return p.value !== null && p.value > 0; });
      if (!pts.length) return;
      var fig = el("figure", { "class": "nd-chart" });
      fig.appendChild(el("figcaption", null, "Each searched value of " + z.name + " and its run's last loss: fine runs in blue, the others in red at the bottom when their loss was not finite."));
      var words = pts.map(function (p) { return fmt(p.value) + " " + p.outcome + (p.loss_last === null ? "" : " (last loss " + fmt(p.loss_last) + ")"); });
      fig.appendChild(el("div", { "class": "nd-plot", role: "img", "aria-label": "Searched values of " + z.name + " (log scale): " + words.join("; ") + "." }));
      fig.appendChild(el("div", { "class": "nd-readout", "aria-live": "polite" }, "Point at a value to read its outcome."));
      host.appendChild(fig);
      var losses = pts.map(function (p) { return p.loss_last; }).filter(function (v) { return v !== null && v > 0; });
      var floor = losses.length ? Math.min.apply(null, losses) / 2 : 1;
      var xs = pts.map(function (p) { return p.value; });
      var good = pts.map(function (p) { return p.good ? (p.loss_last !== null && p.loss_last > 0 ? p.loss_last : floor) : null; });
      var bad = pts.map(function (p) { return p.good ? null : (p.loss_last !== null && p.loss_last > 0 ? p.loss_last : floor); });
      var box = fig.querySelector(".nd-plot");
      var line = function (u, v, colour, text) {
        if (v === null || v === undefined) return;
        var ctx = u.ctx, x = u.valToPos(v, "x", true);
        ctx.save(); ctx.strokeStyle = colour; ctx.setLineDash([4, 3]); ctx.lineWidth = 1.5;
        ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke();
        ctx.fillStyle = colour; ctx.font = "12px system-ui"; ctx.fillText(text, x + 4, u.bbox.top + 14); ctx.restore();
      };
      new uPlot({
        width: chartWidth(box), height: 200, legend: { show: false },
        scales: { x: { time: false, distr: 3 }, y: { distr: 3 } },
        axes: [
          { label: z.name + " (log scale)", stroke: css("--ink"), grid: { stroke: css("--grid") }, splits: logSplits,
            values: function (u, vals) { return vals.map(tick); }, font: "11px system-ui", labelFont: "bold 12px system-ui" },
          { label: "last loss (log scale)", stroke: css("--ink"), grid: { stroke: css("--grid") }, size: 64, splits: logSplits,
            values: function (u, vals) { return vals.map(function (v) { return v === null ? "" : tick(v); }); }, font: "11px system-ui", labelFont: "bold 12px system-ui" }
        ],
        series: [{ label: "value" },
          { label: "fine", stroke: css("--line1"), width: 0, paths: function () { return null; }, points: { show: true, size: 9, fill: css("--line1") } },
          { label: "not fine", stroke: css("--bad"), width: 0, paths: function () { return null; }, points: { show: true, size: 9, fill: css("--bad") } }],
        hooks: {
          draw: [function (u) { line(u, z.recommended, css("--ok"), "recommended"); line(u, z.smallest_bad, css("--bad"), "boundary"); }],
          setCursor: [function (u) {
            var i = u.cursor.idx, out = fig.querySelector(".nd-readout");
            if (i === null || i === undefined) return;
            var p = pts[i];
            out.textContent = z.name + " = " + fmt(p.value) + ": " + p.outcome + (p.loss_last === null ? ", no finite last loss" : ", last loss " + fmt(p.loss_last));
          }]
        }
      }, [xs, good, bad], box);
    });
  }

  function keepHighlightsInView() {
    // On a narrow screen the marked sub-expression can sit right of the excerpt's visible part: scroll it in.
    document.querySelectorAll(".excerpt").forEach(function (box) {
      var mark = box.querySelector("mark.nd-expr");
      if (!mark) return;
      var b = box.getBoundingClientRect(), m = mark.getBoundingClientRect();
      if (m.right > b.right - 8 || m.left < b.left) box.scrollLeft += m.left - b.left - Math.max(8, (b.width - m.width) / 2);
    });
  }

  function start() {
    keepHighlightsInView();
    try { buildCurves(); } finally { try { buildInspector(); } finally { buildFixPlan(); } }
    document.documentElement.classList.add("nd-ready");
    window.ndReadyMs = performance.now(); // read by benchmarks/report_page.py
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
