/* Leadboard tile charts: Apache ECharts options for every chart type of SPEC 4.
 *
 * A tile element carries its figures as the API gives them (data-rows), Babel-formatted labels
 * (data-labels), series names (data-series) and units (data-units: count or amount). This file
 * turns them into an ECharts option, draws it, and sets data-state="ready" once it is painted.
 * Clicking a segment, bar, point or funnel step asks app.js to open the drill-down.
 */
(function () {
  "use strict";

  var charts = new Map(); // tile element -> echarts instance
  var observers = new Map(); // tile element -> ResizeObserver

  function json(el, name, fallback) {
    try {
      return JSON.parse(el.getAttribute(name) || "");
    } catch (e) {
      return fallback;
    }
  }

  function escapeHtml(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function grid() {
    return document.getElementById("tiles");
  }

  function context() {
    var g = grid();
    var locale = (g && g.dataset.locale) || document.documentElement.lang || "en";
    var currency = (g && g.dataset.currency) || "EUR";
    var words = g ? json(g, "data-words", {}) : {};
    var count = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
    var compact = new Intl.NumberFormat(locale, { notation: "compact", maximumFractionDigits: 1 });
    var money = new Intl.NumberFormat(locale, { style: "currency", currency: currency, maximumFractionDigits: 0 });
    var moneyCompact = new Intl.NumberFormat(locale, {
      style: "currency", currency: currency, notation: "compact", maximumFractionDigits: 1,
    });
    var percent = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    return {
      lang: (g && g.dataset.lang) || "en",
      words: words,
      axis: function (unit) {
        return function (v) {
          if (unit === "amount") return Math.abs(v) >= 10000 ? moneyCompact.format(v) : money.format(v);
          return Math.abs(v) >= 10000 ? compact.format(v) : count.format(v);
        };
      },
      percent: function (v) { return percent.format(v) + "%"; },
      text: cssVar("--chart-text"),
      axisLine: cssVar("--chart-axis"),
      split: cssVar("--chart-split"),
      surface: cssVar("--surface"),
      target: cssVar("--chart-target"),
      textColor: cssVar("--text"),
    };
  }

  function baseOption(c) {
    return {
      backgroundColor: "transparent",
      // No entry animation: a dashboard of ten charts is ready (and readable) at the first paint,
      // also in a software-rendered browser; hover effects stay.
      animation: false,
      textStyle: { color: c.text },
      aria: { enabled: true },
      tooltip: {
        confine: true,
        backgroundColor: c.surface,
        borderColor: c.axisLine,
        textStyle: { color: c.textColor },
      },
      legend: {
        type: "scroll",
        bottom: 0,
        textStyle: { color: c.text },
        pageTextStyle: { color: c.text },
        inactiveColor: c.axisLine,
      },
    };
  }

  // Show every label that fits (about 16 px a label across, 30 px along the axis when rotated),
  // and every n-th when they do not.
  function categoryAxis(c, labels, horizontal, size) {
    var room = Math.max(1, Math.floor(size / (horizontal ? 14 : 24)));
    return {
      type: "category",
      data: labels,
      inverse: !!horizontal,
      axisLabel: {
        color: c.text,
        interval: Math.max(0, Math.ceil(labels.length / room) - 1),
        width: horizontal ? 110 : 90,
        overflow: "truncate",
        rotate: horizontal ? 0 : labels.length > 6 ? 40 : 0,
      },
      axisLine: { lineStyle: { color: c.axisLine } },
      axisTick: { alignWithLabel: true, lineStyle: { color: c.axisLine } },
    };
  }

  function valueAxis(c, unit, extra) {
    return Object.assign(
      {
        type: "value",
        min: 0,
        axisLabel: { color: c.text, formatter: c.axis(unit), hideOverlap: true },
        splitLine: { lineStyle: { color: c.split } },
        axisLine: { show: false },
      },
      extra || {}
    );
  }

  // A tooltip line per series: the name, then the Babel-formatted figure of that row (data-labels
  // holds "value · value2" per row, formatted by the server in the page's language).
  function axisTooltip(rows, labels, names) {
    return function (params) {
      var list = Array.isArray(params) ? params : [params];
      if (!list.length) return "";
      var index = list[0].dataIndex;
      var row = rows[index] || {};
      var parts = String(labels[index] || "").split(" · ");
      var lines = ["<strong>" + escapeHtml(row.label) + "</strong>"];
      list.forEach(function (p) {
        var text = parts[p.seriesIndex] || "";
        lines.push(p.marker + escapeHtml(names[p.seriesIndex] || "") + ": " + escapeHtml(text));
      });
      return lines.join("<br>");
    };
  }

  function pie(rows, labels, names, c, donut) {
    var o = baseOption(c);
    o.tooltip.trigger = "item";
    o.tooltip.formatter = function (p) {
      return "<strong>" + escapeHtml(p.name) + "</strong><br>" + escapeHtml(labels[p.dataIndex]) +
        " (" + escapeHtml(c.percent(p.percent)) + ")";
    };
    o.series = [{
      name: names[0],
      type: "pie",
      radius: donut ? ["40%", "68%"] : [0, "68%"],
      center: ["50%", "44%"],
      avoidLabelOverlap: true,
      itemStyle: { borderColor: c.surface, borderWidth: 2, borderRadius: donut ? 3 : 0 },
      label: { show: false },
      emphasis: { label: { show: false }, scaleSize: 6 },
      data: rows.map(function (r) { return { name: r.label, value: r.value, key: r.key }; }),
    }];
    return o;
  }

  function funnel(rows, labels, names, c) {
    var o = baseOption(c);
    o.tooltip.trigger = "item";
    o.tooltip.formatter = function (p) {
      return "<strong>" + escapeHtml(p.name) + "</strong><br>" + escapeHtml(labels[p.dataIndex]);
    };
    o.series = [{
      name: names[0],
      type: "funnel",
      sort: "none",
      left: "4%",
      width: "46%",
      top: 8,
      bottom: 36,
      minSize: "12%",
      gap: 2,
      itemStyle: { borderColor: c.surface, borderWidth: 1 },
      label: {
        show: true,
        position: "right",
        color: c.text,
        fontSize: 12,
        lineHeight: 15,
        formatter: function (p) {
          var parts = String(labels[p.dataIndex] || "").split(" · ");
          return "{name|" + p.name + "}\n" + parts.join("\n");
        },
        rich: { name: { fontWeight: "bold", color: c.textColor, fontSize: 12, lineHeight: 15 } },
      },
      labelLine: { show: true, lineStyle: { color: c.axisLine } },
      data: rows.map(function (r) { return { name: r.label, value: r.value, key: r.key }; }),
    }];
    return o;
  }

  function cartesian(kind, rows, labels, names, units, c, box) {
    var o = baseOption(c);
    var horizontal = kind === "bar" || kind === "bar-line";
    var categories = rows.map(function (r) { return r.label; });
    var two = names.length > 1;
    o.tooltip.trigger = "axis";
    o.tooltip.axisPointer = { type: kind === "line" || kind === "area" ? "line" : "shadow" };
    o.tooltip.formatter = axisTooltip(rows, labels, names);
    // ECharts 6: with outerBoundsMode "same" the axis labels stay inside this box.
    o.grid = { left: 4, right: 16, top: horizontal && two ? 30 : 14, bottom: 38, outerBoundsMode: "same" };
    var main = rows.map(function (r) { return { value: r.value, key: r.key }; });
    var second = rows.map(function (r) { return { value: r.value2 == null ? null : r.value2, key: r.key }; });
    var sameUnit = two && units[0] === units[1];
    var shared = null;
    if (sameUnit) {
      var top = Math.max.apply(null, rows.map(function (r) { return Math.max(r.value || 0, r.value2 || 0); }).concat([1]));
      shared = { max: top };
    }
    var axes = [valueAxis(c, units[0], shared ? { max: function () { return niceMax(shared.max); } } : null)];
    if (two) {
      axes.push(valueAxis(c, units[1], {
        splitLine: { show: false },
        alignTicks: !sameUnit,
        max: sameUnit ? function () { return niceMax(shared.max); } : null,
      }));
    }
    if (horizontal) {
      o.yAxis = categoryAxis(c, categories, true, box.height - 80);
      o.xAxis = axes;
      if (two) o.xAxis[1].position = "top";
    } else {
      o.xAxis = categoryAxis(c, categories, false, box.width - 80);
      if (kind === "line" || kind === "area") o.xAxis.boundaryGap = false;
      o.yAxis = axes;
    }
    var first = {
      name: names[0],
      type: kind === "line" || kind === "area" ? "line" : "bar",
      data: main,
      barMaxWidth: 36,
      showSymbol: true,
      symbolSize: 6,
    };
    if (kind === "area") first.areaStyle = { opacity: 0.3 };
    var series = [first];
    if (two) {
      var line = { name: names[1], type: "line", data: second, symbolSize: 6, smooth: false };
      if (horizontal) line.xAxisIndex = 1; else line.yAxisIndex = 1;
      series.push(line);
    }
    o.series = series;
    return o;
  }

  function niceMax(value) {
    if (value <= 0) return 1;
    var power = Math.pow(10, Math.floor(Math.log10(value)));
    var steps = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
    for (var i = 0; i < steps.length; i++) if (steps[i] * power >= value) return steps[i] * power;
    return 10 * power;
  }

  function gauge(figures, names, c) {
    var o = baseOption(c);
    delete o.legend;
    var value = figures.value == null ? 0 : figures.value;
    var target = figures.target;
    var common = { type: "gauge", min: 0, max: 100, startAngle: 210, endAngle: -30, radius: "88%", center: ["50%", "58%"] };
    o.tooltip.trigger = "item";
    o.tooltip.formatter = function (p) {
      return escapeHtml(p.seriesName) + ": " + escapeHtml(c.percent(p.value));
    };
    o.series = [
      Object.assign({}, common, {
        name: names[0],
        progress: { show: true, width: 16, roundCap: false },
        axisLine: { lineStyle: { width: 16, color: [[1, c.split]] } },
        pointer: { show: false },
        axisTick: { show: false },
        splitLine: { distance: -16, length: 16, lineStyle: { color: c.surface, width: 2 } },
        splitNumber: 5,
        axisLabel: { distance: 22, color: c.text, fontSize: 11, formatter: function (v) { return v + "%"; } },
        anchor: { show: false },
        title: { show: false },
        detail: {
          valueAnimation: true,
          offsetCenter: [0, "8%"],
          fontSize: 28,
          fontWeight: "bold",
          color: c.textColor,
          formatter: function (v) { return c.percent(v); },
        },
        data: [{ value: value, name: names[0] }],
      }),
    ];
    if (target != null) {
      // The target mark: a second gauge that draws only a short bar across the ring at the target.
      o.series.push(Object.assign({}, common, {
        name: (c.words.target || "Target {value}").replace("{value}", c.percent(target)),
        z: 5,
        axisLine: { show: false },
        progress: { show: false },
        axisTick: { show: false },
        splitLine: { show: false },
        axisLabel: { show: false },
        anchor: { show: false },
        title: { show: false },
        detail: { show: false },
        pointer: { show: true, icon: "rect", width: 4, length: "26%", offsetCenter: [0, "-72%"], itemStyle: { color: c.target } },
        data: [{ value: target }],
        silent: false,
      }));
    }
    return o;
  }

  function option(tile, c, box) {
    var kind = tile.dataset.chart;
    var rows = json(tile, "data-rows", []);
    var labels = json(tile, "data-labels", []);
    var names = json(tile, "data-series", []);
    var units = json(tile, "data-units", ["count"]);
    if (kind === "pie" || kind === "donut") return pie(rows, labels, names, c, kind === "donut");
    if (kind === "funnel") return funnel(rows, labels, names, c);
    if (kind === "gauge") return gauge(rows, names, c);
    return cartesian(kind, rows, labels, names, units, c, box);
  }

  function ready(tile) {
    tile.dataset.state = "ready";
    tile.setAttribute("aria-busy", "false");
  }

  function render(tile) {
    var el = tile.querySelector(".chart");
    if (!el || !window.echarts) return;
    dispose(tile);
    var c = context();
    var chart = window.echarts.init(el, null, { renderer: "canvas", locale: c.lang === "nl" ? "NL" : "EN" });
    charts.set(tile, chart);
    var done = false;
    chart.on("finished", function () {
      if (!done) {
        done = true;
        ready(tile);
      }
    });
    chart.on("click", function (p) {
      var key = p.data && p.data.key;
      var kind = tile.dataset.chart;
      if (!key || !tile.dataset.drillUrl) return;
      if (kind === "column-line" && tile.dataset.kind === "series" && p.seriesIndex !== 0) return;
      document.dispatchEvent(new CustomEvent("lb:drill", { detail: { tile: tile, key: key } }));
    });
    var size = { width: el.clientWidth, height: el.clientHeight };
    chart.setOption(option(tile, c, size));
    if (window.ResizeObserver) {
      // A new size (a phone turned, a column layout change, full screen): lay the chart out
      // again, so axis labels are thinned for the room there is.
      var observer = new ResizeObserver(function () {
        if (charts.get(tile) !== chart) return;
        if (el.clientWidth === size.width && el.clientHeight === size.height) return;
        size = { width: el.clientWidth, height: el.clientHeight };
        chart.resize();
        chart.setOption(option(tile, context(), size), { notMerge: true });
      });
      observer.observe(el);
      observers.set(tile, observer);
    }
  }

  function dispose(tile) {
    var chart = charts.get(tile);
    if (chart) chart.dispose();
    charts.delete(tile);
    var observer = observers.get(tile);
    if (observer) observer.disconnect();
    observers.delete(tile);
  }

  function renderAll(root) {
    (root || document).querySelectorAll('[data-tile-key][data-state="loading"]').forEach(function (tile) {
      if (tile.querySelector(".chart")) render(tile);
    });
  }

  function disposeAll() {
    Array.from(charts.keys()).forEach(dispose);
  }

  function redrawAll() {
    Array.from(charts.keys()).forEach(function (tile) {
      if (document.body.contains(tile)) render(tile); else dispose(tile);
    });
  }

  function resizeAll() {
    charts.forEach(function (chart) { chart.resize(); });
  }

  window.LeadboardCharts = {
    render: render,
    renderAll: renderAll,
    dispose: dispose,
    disposeAll: disposeAll,
    redrawAll: redrawAll,
    resizeAll: resizeAll,
    get: function (tile) { return charts.get(tile); },
  };
})();
