/* Leadboard tile charts: Apache ECharts options for every chart type of SPEC 4.
 *
 * A tile element carries its figures as the API gives them (data-rows), Babel-formatted labels
 * (data-labels), series names (data-series) and units (data-units: count or amount). This file
 * turns them into an ECharts option, draws it, and sets data-state="ready" once it is painted.
 * Clicking a segment, bar, point, funnel step, axis label or the gauge asks app.js to open the
 * drill-down.
 *
 * Readable without hovering: every category label is drawn (interval 0), rotated when the labels
 * do not fit side by side; names longer than their room are shortened with "…" and the full name
 * is in the tooltip (hover the label or its bar). Pie and donut legends list every entry with its
 * share. When the labels need more room than the tile has (30 bars, say), the chart grows taller
 * (or wider) than the tile and the tile's chart area scrolls, rather than dropping labels.
 * Figures may arrive as numbers or as decimal strings ("147300.00"): every one goes through num().
 *
 * A tile's display options (data-display: the API's `display`, only the options it sets) apply
 * here: legend false hides the legend, data_labels writes each figure on the chart, short_numbers
 * writes figures compact in the page's locale (1.2K, 1,2K), colours replace the palette. A
 * grouped tile's sort is applied by the server: its rows arrive in order, as in its CSV.
 */
(function () {
  "use strict";

  var charts = new Map(); // tile element -> echarts instance
  var observers = new Map(); // tile element -> ResizeObserver
  // ECharts 6's default palette, named here so an axis can carry the colour of its series.
  var PALETTE = ["#5070dd", "#b6d634", "#505372", "#ff994d", "#0ca8df", "#ffd10a", "#fb628b", "#785db0", "#3fbe95"];
  var FONT = 12; // ECharts' default label size, also used to measure labels
  var MINUS = "\u2212"; // the minus sign of the page (i18n.Formatter.signed uses it too)

  function json(el, name, fallback) {
    try {
      return JSON.parse(el.getAttribute(name) || "");
    } catch (e) {
      return fallback;
    }
  }

  // A figure as a number: the JSON gives counts as numbers and money as decimal strings.
  function num(value) {
    if (value == null || value === "") return null;
    var n = Number(value);
    return isFinite(n) ? n : null;
  }

  function escapeHtml(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // The server's formatted figures ("-1.234", "€ -5", "-€5") with the page's minus sign.
  function minus(text) {
    return String(text == null ? "" : text).replace(/(^|[\s(])-(?=\s?[\d€$£¥])/g, "$1" + MINUS);
  }

  // Intl's output with U+2212 for negative numbers instead of the hyphen-minus.
  function formatter(nf) {
    return function (v) {
      return nf.formatToParts(v).map(function (p) { return p.type === "minusSign" ? MINUS : p.value; }).join("");
    };
  }

  var measurer = null;
  function textWidth(text, size, bold) {
    if (!measurer) measurer = document.createElement("canvas").getContext("2d");
    measurer.font = (bold ? "bold " : "") + (size || FONT) + "px sans-serif";
    return measurer.measureText(String(text)).width;
  }

  function longest(texts, size) {
    return texts.reduce(function (m, t) { return Math.max(m, textWidth(t, size)); }, 0);
  }

  // The text shortened with "…" to fit `width` pixels (the full text goes in a tooltip).
  function shorten(text, width, size) {
    text = String(text == null ? "" : text);
    if (textWidth(text, size) <= width) return text;
    var chars = Array.from(text);
    while (chars.length > 1 && textWidth(chars.join("") + "…", size) > width) chars.pop();
    return chars.join("") + "…";
  }

  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function grid() {
    return document.getElementById("tiles");
  }

  function context(tile) {
    var g = grid();
    var locale = (g && g.dataset.locale) || document.documentElement.lang || "en";
    // Money in the tile's currency (data-currency on the tile), else the organisation's.
    var currency = (tile && tile.dataset.currency) || (g && g.dataset.currency) || "EUR";
    var words = g ? json(g, "data-words", {}) : {};
    var count = formatter(new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }));
    var compact = formatter(new Intl.NumberFormat(locale, { notation: "compact", maximumFractionDigits: 1 }));
    var money = formatter(new Intl.NumberFormat(locale, { style: "currency", currency: currency, maximumFractionDigits: 0 }));
    var moneyCompact = formatter(new Intl.NumberFormat(locale, {
      style: "currency", currency: currency, notation: "compact", maximumFractionDigits: 1,
    }));
    var percent = formatter(new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }));
    return {
      lang: (g && g.dataset.lang) || "en",
      words: words,
      // Axis ticks: compact from 10,000 on.
      axis: function (unit) {
        // Compact from 10,000 on; from 1,000 on with the tile's short_numbers.
        var from = this.display && this.display.short ? 1000 : 10000;
        return function (v) {
          if (unit === "amount") return Math.abs(v) >= from ? moneyCompact(v) : money(v);
          return Math.abs(v) >= from ? compact(v) : count(v);
        };
      },
      // A figure written on the chart (a bar's value): whole units, in full.
      figure: function (unit) {
        return function (v) { return v == null ? "" : unit === "amount" ? money(v) : count(v); };
      },
      // A figure written as a data label: compact with short_numbers.
      label: function (unit, short) {
        if (!short) return this.figure(unit);
        return function (v) { return v == null ? "" : unit === "amount" ? moneyCompact(v) : compact(v); };
      },
      percent: function (v) { return percent(v) + "%"; },
      text: cssVar("--chart-text"),
      axisLine: cssVar("--chart-axis"),
      split: cssVar("--chart-split"),
      surface: cssVar("--surface"),
      target: cssVar("--chart-target"),
      textColor: cssVar("--text"),
    };
  }

  // The tile's display options with their defaults (see the API's `display`).
  function displayOf(tile) {
    var d = json(tile, "data-display", {}) || {};
    var colours = Array.isArray(d.colours) && d.colours.length ? d.colours : null;
    return {
      legend: d.legend !== false,
      dataLabels: d.data_labels === true,
      short: d.short_numbers === true,
      palette: colours || PALETTE,
    };
  }

  // What the options change once a chart's option is built: the legend, the palette.
  function applyDisplay(o, d) {
    o.color = d.palette;
    if (!d.legend) o.legend = { show: false };
    return o;
  }

  function baseOption(c) {
    return {
      backgroundColor: "transparent",
      color: (c.display && c.display.palette) || PALETTE,
      // No entry animation: a dashboard of ten charts is ready (and readable) at the first paint,
      // also in a software-rendered browser; hover effects stay.
      animation: false,
      textStyle: { color: c.text, fontSize: FONT },
      aria: { enabled: true },
      tooltip: {
        confine: true,
        backgroundColor: c.surface,
        borderColor: c.axisLine,
        textStyle: { color: c.textColor },
      },
      // A plain legend: every entry is drawn (a paged legend hides most of them).
      legend: {
        type: "plain",
        bottom: 0,
        textStyle: { color: c.text },
        inactiveColor: c.axisLine,
      },
    };
  }

  function valueAxis(c, unit, extra) {
    return Object.assign(
      {
        type: "value",
        // From 0; below it (on ECharts' own round ticks) only when a figure is negative.
        min: function (v) { return v.min < 0 ? null : 0; },
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
        var text = minus(parts[p.seriesIndex] || "");
        lines.push(p.marker + escapeHtml(names[p.seriesIndex] || "") + ": " + escapeHtml(text));
      });
      return lines.join("<br>");
    };
  }

  // -- pie and donut: the legend beside the ring names every segment with its share ------------
  function pie(rows, labels, names, units, c, donut, box) {
    var o = baseOption(c);
    var values = rows.map(function (r) { return num(r.value) || 0; });
    var total = values.reduce(function (s, v) { return s + v; }, 0);
    var share = {};
    rows.forEach(function (r, i) { share[r.label] = { pct: total ? (values[i] / total) * 100 : 0, index: i }; });
    var pcts = rows.map(function (r) { return c.percent(share[r.label].pct); });
    var pctWidth = Math.ceil(longest(pcts)) + 2;
    var nameRoom = Math.max(60, Math.floor(box.width * 0.56) - 24 - pctWidth);
    var nameWidth = Math.min(Math.ceil(longest(rows.map(function (r) { return r.label; }))), nameRoom);
    var legendWidth = c.display.legend ? 18 + nameWidth + 8 + pctWidth : 0;
    var pitch = 16; // one legend line: 14 px text and 2 px between lines
    var needed = rows.length * pitch + 12;
    var height = Math.max(box.height, needed);
    var ringRoom = Math.max(80, box.width - legendWidth - 12);
    var radius = Math.max(36, Math.floor(Math.min(ringRoom, box.height - 12) / 2) - 2);
    o.tooltip.trigger = "item";
    o.tooltip.formatter = function (p) {
      return "<strong>" + escapeHtml(p.name) + "</strong><br>" + escapeHtml(minus(labels[p.dataIndex])) +
        " (" + escapeHtml(c.percent(p.percent)) + ")";
    };
    o.legend = {
      type: "plain",
      orient: "vertical",
      right: 4,
      top: needed > box.height ? 6 : "middle",
      itemGap: 2,
      itemWidth: 12,
      itemHeight: 10,
      inactiveColor: c.axisLine,
      // The full name (and figure) of a shortened entry.
      tooltip: {
        show: true,
        formatter: function (p) {
          var s = share[p.name];
          if (!s) return escapeHtml(p.name);
          return "<strong>" + escapeHtml(p.name) + "</strong><br>" + escapeHtml(minus(labels[s.index])) +
            " (" + escapeHtml(c.percent(s.pct)) + ")";
        },
      },
      formatter: function (name) {
        var s = share[name];
        return "{n|" + shorten(name, nameWidth) + "}{p|" + (s ? c.percent(s.pct) : "") + "}";
      },
      textStyle: {
        color: c.text,
        rich: {
          n: { width: nameWidth + 8, lineHeight: 14, fontSize: FONT, color: c.text },
          p: { width: pctWidth, align: "right", lineHeight: 14, fontSize: FONT, color: c.textColor },
        },
      },
    };
    o.series = [{
      name: names[0],
      type: "pie",
      radius: donut ? [Math.round(radius * 0.58), radius] : [0, radius],
      // The ring stays in the visible part of the tile when the legend scrolls.
      center: [4 + ringRoom / 2, box.height / 2],
      avoidLabelOverlap: true,
      itemStyle: { borderColor: c.surface, borderWidth: 2, borderRadius: donut ? 3 : 0 },
      label: c.display.dataLabels
        ? { show: true, color: c.textColor, formatter: function (p) { return c.label(units[0], c.display.short)(p.value); } }
        : { show: false },
      emphasis: { label: { show: c.display.dataLabels }, scaleSize: 4 },
      data: rows.map(function (r, i) { return { name: r.label, value: values[i], key: r.key }; }),
    }];
    return { option: o, width: box.width, height: height };
  }

  function funnel(rows, labels, names, c, box) {
    var o = baseOption(c);
    delete o.legend; // each step is named beside it
    o.tooltip.trigger = "item";
    o.tooltip.formatter = function (p) {
      return "<strong>" + escapeHtml(p.name) + "</strong><br>" + escapeHtml(minus(labels[p.dataIndex]));
    };
    o.series = [{
      name: names[0],
      type: "funnel",
      sort: "none",
      left: "4%",
      width: "46%",
      top: 8,
      bottom: 8,
      minSize: "12%",
      gap: 2,
      itemStyle: { borderColor: c.surface, borderWidth: 1 },
      label: {
        show: true,
        position: "right",
        color: c.text,
        fontSize: FONT,
        lineHeight: 15,
        width: Math.max(80, Math.floor(box.width * 0.46)),
        overflow: "truncate",
        formatter: function (p) {
          var parts = String(labels[p.dataIndex] || "").split(" · ").map(minus);
          return "{name|" + p.name + "}\n" + parts.join("\n");
        },
        rich: { name: { fontWeight: "bold", color: c.textColor, fontSize: FONT, lineHeight: 15 } },
      },
      labelLine: { show: true, lineStyle: { color: c.axisLine } },
      data: rows.map(function (r) { return { name: r.label, value: num(r.value), key: r.key }; }),
    }];
    return { option: o, width: box.width, height: box.height };
  }

  // -- column, bar, line, area, column-line, bar-line --------------------------------------------
  function cartesian(kind, rows, labels, names, units, c, box, gutter) {
    var o = baseOption(c);
    var horizontal = kind === "bar" || kind === "bar-line";
    var categories = rows.map(function (r) { return r.label; });
    var two = names.length > 1;
    // Two series of one unit (this year and last, both lead counts) share one axis.
    var twoAxes = two && units[0] !== units[1];
    var main = rows.map(function (r) { return { value: num(r.value), key: r.key }; });
    var second = rows.map(function (r) { return { value: num(r.value2), key: r.key }; });
    o.tooltip.trigger = "axis";
    o.tooltip.axisPointer = { type: kind === "line" || kind === "area" ? "line" : "shadow" };
    o.tooltip.formatter = axisTooltip(rows, labels, names);
    if (!two) delete o.legend; // one series: the tile's title names it
    var size = horizontal
      ? barLayout(o, c, main, categories, units, twoAxes, two, box, gutter)
      : columnLayout(o, c, main, second, categories, units, twoAxes, two, box, gutter, kind);
    var first = {
      name: names[0],
      type: kind === "line" || kind === "area" ? "line" : "bar",
      data: main,
      barMaxWidth: 36,
      showSymbol: true,
      symbolSize: 6,
    };
    if (kind === "area") first.areaStyle = { opacity: 0.3 };
    var short = c.display.short;
    if (horizontal && !two) {
      // The figure at the end of each bar: readable without hovering, and on paper.
      first.label = { show: true, position: "right", color: c.textColor, formatter: function (p) { return c.label(units[0], short)(p.value); } };
    } else if (c.display.dataLabels) {
      first.label = {
        show: true,
        position: horizontal ? "right" : "top",
        color: c.textColor,
        formatter: function (p) { return c.label(units[0], short)(p.value); },
      };
    }
    var series = [first];
    if (two) {
      var line = { name: names[1], type: "line", data: second, symbolSize: 6, smooth: false };
      if (c.display.dataLabels) {
        line.label = { show: true, position: "top", color: c.textColor, formatter: function (p) { return c.label(units[1], short)(p.value); } };
      }
      if (twoAxes) {
        if (horizontal) line.xAxisIndex = 1; else line.yAxisIndex = 1;
      }
      series.push(line);
    }
    o.series = series;
    return { option: o, width: size.width, height: size.height };
  }

  function categoryAxis(c, labels, extra) {
    return {
      type: "category",
      data: labels,
      // Hovering a label shows its row's tooltip (the full name); clicking it drills down.
      triggerEvent: true,
      axisLabel: Object.assign({ color: c.text, interval: 0, fontSize: FONT, overflow: "truncate", ellipsis: "…" }, extra),
      axisLine: { lineStyle: { color: c.axisLine } },
      axisTick: { alignWithLabel: true, interval: 0, lineStyle: { color: c.axisLine } },
    };
  }

  // Horizontal bars: a row of at least 16 px per bar; the names on the left, the figures right.
  function barLayout(o, c, main, categories, units, twoAxes, two, box, gutter) {
    var n = Math.max(categories.length, 1);
    var top = two ? 30 : 6; // the legend of a bar+line sits on top, both value axes below
    var bottom = twoAxes ? 50 : 26;
    var pitch = 16;
    var height = box.height;
    if (top + bottom + n * pitch > box.height) height = top + bottom + n * pitch;
    var width = height > box.height ? box.width - gutter : box.width;
    var nameWidth = Math.min(Math.ceil(longest(categories)) + 2, Math.round(Math.max(90, Math.min(170, width * 0.42))));
    var right = 16;
    if (!two) {
      right = Math.ceil(longest(main.map(function (d) { return c.figure(units[0])(d.value); }))) + 12;
    }
    o.grid = { left: 4, right: right, top: top, bottom: 4, outerBoundsMode: "same" };
    if (two) {
      o.legend.top = 0;
      delete o.legend.bottom;
    }
    o.yAxis = categoryAxis(c, categories, { width: nameWidth });
    o.yAxis.inverse = true;
    var axes = [valueAxis(c, units[0])];
    if (twoAxes) {
      // Both value axes below the bars (the second under the first), each in its series' colour.
      axes[0].axisLine = { show: true, lineStyle: { color: c.display.palette[0], width: 2 } };
      axes[0].alignTicks = true;
      axes.push(valueAxis(c, units[1], {
        position: "bottom",
        offset: 24,
        alignTicks: true,
        splitLine: { show: false },
        axisLine: { show: true, lineStyle: { color: c.display.palette[1 % c.display.palette.length], width: 2 } },
      }));
    }
    axes[0].position = "bottom";
    o.xAxis = axes;
    return { width: width, height: height };
  }

  // Columns and lines: labels side by side when they fit, else rotated 40° or 90°; at fewer than
  // 16 px a category the chart grows wider than the tile (and scrolls).
  function columnLayout(o, c, main, second, categories, units, twoAxes, two, box, gutter, kind) {
    var n = Math.max(categories.length, 1);
    var values = main.concat(two ? second : []).map(function (d) { return d.value || 0; });
    var tick = Math.ceil(longest([c.axis(units[0])(Math.max.apply(null, values.concat([0])) * 1.2)])) + 12;
    var side = tick + (twoAxes ? tick : 16) + 8;
    var plot = box.width - side;
    var per = plot / n;
    var label = Math.ceil(longest(categories));
    var rotate = 0;
    var labelWidth = Math.floor(per) - 4;
    var width = box.width;
    if (label + 8 > per) {
      if (per >= 22) {
        rotate = 40;
        labelWidth = Math.min(label + 2, 110);
      } else {
        rotate = 90;
        labelWidth = Math.min(label + 2, 90);
        if (per < 16) width = side + n * 16;
      }
    }
    var height = width > box.width ? box.height - gutter : box.height;
    o.grid = { left: 4, right: twoAxes ? 4 : 16, top: 14, bottom: two ? 30 : 4, outerBoundsMode: "same" };
    o.xAxis = categoryAxis(c, categories, { width: labelWidth, rotate: rotate, hideOverlap: false });
    if (kind === "line" || kind === "area") o.xAxis.boundaryGap = false;
    o.yAxis = [valueAxis(c, units[0])];
    if (twoAxes) o.yAxis.push(valueAxis(c, units[1], { splitLine: { show: false }, alignTicks: true }));
    return { width: width, height: height };
  }

  // -- gauge ---------------------------------------------------------------------------------------
  function gauge(figures, names, c, box) {
    var o = baseOption(c);
    delete o.legend;
    var value = num(figures.value) || 0;
    var target = num(figures.target);
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
    return { option: o, width: box.width, height: box.height };
  }

  // The option and the size the chart needs (at least the box; more when its labels need it).
  function layout(tile, c, box, gutter) {
    var kind = tile.dataset.chart;
    var rows = json(tile, "data-rows", []);
    var labels = json(tile, "data-labels", []);
    var names = json(tile, "data-series", []);
    var units = json(tile, "data-units", ["count"]);
    c.display = displayOf(tile);
    var result;
    if (kind === "pie" || kind === "donut") result = pie(rows, labels, names, units, c, kind === "donut", box);
    else if (kind === "funnel") result = funnel(rows, labels, names, c, box);
    else if (kind === "gauge") result = gauge(rows, names, c, box);
    else result = cartesian(kind, rows, labels, names, units, c, box, gutter);
    applyDisplay(result.option, c.display);
    return result;
  }

  var gutterWidth = null;
  function scrollbarWidth() {
    if (gutterWidth == null) {
      var probe = document.createElement("div");
      probe.style.cssText = "position:absolute;top:-999px;width:80px;height:80px;overflow:scroll";
      document.body.appendChild(probe);
      gutterWidth = probe.offsetWidth - probe.clientWidth;
      probe.remove();
    }
    return gutterWidth;
  }

  function ready(tile) {
    tile.dataset.state = "ready";
    tile.setAttribute("aria-busy", "false");
  }

  // Lay the chart out for the room its tile has; the chart element may be larger than the room,
  // and then its scroll box scrolls (and can be scrolled from the keyboard).
  function place(tile, chart, el, box, c) {
    var result = layout(tile, c, box, scrollbarWidth());
    el.style.width = result.width + "px";
    el.style.height = result.height + "px";
    var scroller = el.parentElement;
    var scrolls = result.width > box.width + 0.5 || result.height > box.height + 0.5;
    if (scroller && scroller.classList.contains("chart-scroll")) {
      // A scroll box is reached by the keyboard too (and named for screen readers).
      if (scrolls) {
        scroller.setAttribute("tabindex", "0");
        scroller.setAttribute("role", "region");
        scroller.setAttribute("aria-label", el.getAttribute("aria-label") || "");
      } else {
        ["tabindex", "role", "aria-label"].forEach(function (a) { scroller.removeAttribute(a); });
      }
    }
    chart.resize({ width: result.width, height: result.height });
    chart.setOption(result.option, { notMerge: true });
  }

  function boxOf(el) {
    var scroller = el.parentElement && el.parentElement.classList.contains("chart-scroll") ? el.parentElement : el;
    return { width: scroller.clientWidth, height: scroller.clientHeight };
  }

  function render(tile) {
    var el = tile.querySelector(".chart");
    if (!el || !window.echarts) return;
    dispose(tile);
    var c = context(tile);
    var chart = window.echarts.init(el, null, { renderer: "canvas", locale: c.lang === "nl" ? "NL" : "EN" });
    charts.set(tile, chart);
    var done = false;
    chart.on("finished", function () {
      if (!done) {
        done = true;
        ready(tile);
      }
    });
    wire(tile, chart);
    var box = boxOf(el);
    place(tile, chart, el, box, c);
    if (window.ResizeObserver) {
      // A new size (a phone turned, a column layout change, full screen): lay the chart out
      // again, so labels are rotated or the chart grows for the room there is.
      var scroller = el.parentElement.classList.contains("chart-scroll") ? el.parentElement : el;
      var observer = new ResizeObserver(function () {
        if (charts.get(tile) !== chart) return;
        var now = boxOf(el);
        if (now.width === box.width && now.height === box.height) return;
        box = now;
        place(tile, chart, el, box, context(tile));
      });
      observer.observe(scroller);
      observers.set(tile, observer);
    }
  }

  function drill(tile, key) {
    document.dispatchEvent(new CustomEvent("lb:drill", { detail: { tile: tile, key: key } }));
  }

  function wire(tile, chart) {
    var kind = tile.dataset.chart;
    chart.on("click", function (p) {
      if (!tile.dataset.drillUrl || kind === "gauge") return;
      var key = p.data && p.data.key;
      if (p.targetType === "axisLabel" && p.dataIndex != null) {
        var rows = json(tile, "data-rows", []);
        key = rows[p.dataIndex] && rows[p.dataIndex].key;
      }
      if (!key) return;
      if (kind === "column-line" && tile.dataset.kind === "series" && p.seriesIndex > 0) return;
      drill(tile, key);
    });
    // A shortened name: hovering its label shows the row's tooltip with the full name.
    chart.on("mouseover", function (p) {
      if (p.targetType === "axisLabel" && p.dataIndex != null) {
        chart.dispatchAction({ type: "showTip", seriesIndex: 0, dataIndex: p.dataIndex });
      }
    });
    chart.on("mouseout", function (p) {
      if (p.targetType === "axisLabel") chart.dispatchAction({ type: "hideTip" });
    });
    if (kind === "gauge") {
      // The whole gauge opens its records: every lead of the tile's scope (the gauge's total).
      var zr = chart.getZr();
      zr.on("click", function () {
        if (tile.dataset.drillUrl) drill(tile, "");
      });
      zr.on("mousemove", function () {
        if (tile.dataset.drillUrl) zr.setCursorStyle("pointer");
      });
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
