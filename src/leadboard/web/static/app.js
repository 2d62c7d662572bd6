/* Leadboard pages: theme, tile grid (gridstack), quick filters in the URL, refresh, tile menus,
 * drill-down panel. The figures arrive as HTML from the server (htmx); charts.js draws them. */
(function () {
  "use strict";

  var THEME_COOKIE = "leadboard_theme";

  function $(selector, root) { return (root || document).querySelector(selector); }
  function $all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }

  // -- theme -------------------------------------------------------------------------------------
  function setTheme(theme) {
    document.documentElement.dataset.theme = theme;
    document.cookie = THEME_COOKIE + "=" + theme + "; path=/; max-age=31536000; SameSite=Lax";
    var button = $("#theme-toggle");
    if (button) button.setAttribute("aria-pressed", theme === "dark" ? "true" : "false");
    if (window.LeadboardCharts) window.LeadboardCharts.redrawAll();
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest("#theme-toggle")) {
      setTheme(document.documentElement.dataset.theme === "dark" ? "light" : "dark");
    }
  });

  // -- the dashboard page ------------------------------------------------------------------------
  var filters = $("#filters");
  var tilesEl = $("#tiles");
  var grid = null;

  function tiles() { return $all("[data-tile-key]", tilesEl); }

  function initGrid() {
    if (!tilesEl || !window.GridStack) return;
    grid = window.GridStack.init({
      column: Number(tilesEl.dataset.columns) || 3,
      cellHeight: 330,
      margin: 6,
      staticGrid: true,
      animate: false,
      // One column on a phone; the dashboard's own number of columns above that.
      columnOpts: { columnMax: Number(tilesEl.dataset.columns) || 3, breakpoints: [{ w: 720, c: 1 }], layout: "list" },
    }, tilesEl);
  }

  function pageQuery() {
    var params = new URLSearchParams();
    new FormData(filters).forEach(function (value, name) {
      if (value) params.set(name, value);
    });
    return params.toString();
  }

  function pushUrl() {
    var query = pageQuery();
    var url = filters.dataset.pageUrl + (query ? "?" + query : "");
    if (url !== location.pathname + location.search) history.pushState({ leadboard: true }, "", url);
  }

  function replaceUrl() {
    var query = pageQuery();
    history.replaceState(history.state, "", filters.dataset.pageUrl + (query ? "?" + query : ""));
  }

  // htmx names the requesting element in requestConfig.elt (swap and settle events name their
  // target in detail.elt) and in detail.elt for beforeRequest.
  function requestSource(event) {
    var d = event.detail || {};
    return d.requestConfig ? d.requestConfig.elt : d.elt;
  }

  function isFilterRequest(event) {
    return !!filters && requestSource(event) === filters;
  }

  function setLoading() {
    tiles().forEach(function (tile) {
      tile.dataset.state = "loading";
      tile.setAttribute("aria-busy", "true");
    });
    if (tilesEl) tilesEl.setAttribute("aria-busy", "true");
  }

  function failLoading() {
    var status = $("#dash-status");
    tiles().forEach(function (tile) {
      if (tile.dataset.state === "loading") {
        tile.dataset.state = "error";
        tile.setAttribute("aria-busy", "false");
      }
    });
    if (status && status.dataset.failed) status.textContent = status.dataset.failed;
  }

  if (filters && tilesEl) {
    initGrid();
    filters.addEventListener("change", function (event) {
      if (event.target.matches("[data-filter]")) pushUrl();
    });
    window.addEventListener("popstate", function () { location.reload(); });

    var allLoading = false; // a filter change or refresh is fetching every tile
    document.body.addEventListener("htmx:beforeRequest", function (event) {
      if (!isFilterRequest(event)) return;
      allLoading = true;
      setLoading();
    });
    document.body.addEventListener("htmx:beforeSwap", function (event) {
      if (isFilterRequest(event) && window.LeadboardCharts) window.LeadboardCharts.disposeAll();
    });
    document.body.addEventListener("htmx:afterSettle", function (event) {
      if (!isFilterRequest(event)) return;
      allLoading = false;
      tilesEl.setAttribute("aria-busy", "false");
      if (window.LeadboardCharts) window.LeadboardCharts.renderAll(tilesEl);
    });
    ["htmx:responseError", "htmx:sendError"].forEach(function (name) {
      document.body.addEventListener(name, function (event) {
        if (!isFilterRequest(event)) return;
        allLoading = false;
        failLoading();
      });
    });

    // Auto-refresh: the interval is part of the URL (?refresh=seconds), so a wall display keeps it.
    var timer = null;
    var auto = $("#auto-refresh");
    var hidden = $("#refresh-value");
    function schedule(seconds) {
      if (timer) clearInterval(timer);
      timer = null;
      if (seconds > 0) {
        timer = setInterval(function () {
          if (!document.hidden) window.htmx.trigger(filters, "lb-refresh");
        }, seconds * 1000);
      }
    }
    if (auto) {
      schedule(Number(auto.value) || 0);
      auto.addEventListener("change", function () {
        hidden.value = auto.value === "0" ? "" : auto.value;
        replaceUrl();
        schedule(Number(auto.value) || 0);
      });
    }

    // Fresh figures: ask for the tiles' data versions every few hundred ms (a 304 while nothing
    // changed) and fetch again only the tiles whose version moved (dashboards/freshness.py).
    var pollMs = Number(tilesEl.dataset.pollMs) || 0;
    var fresh = $("#fresh-tiles");
    var etag = null;
    var freshQuery = null; // the filters a fetch of changed tiles was asked with
    function isFreshRequest(event) {
      return !!fresh && requestSource(event) === fresh;
    }
    document.body.addEventListener("htmx:beforeSwap", function (event) {
      if (!isFreshRequest(event)) return;
      if (allLoading || freshQuery !== pageQuery()) {
        event.detail.shouldSwap = false; // the filters changed meanwhile: that answer is stale
        return;
      }
      (event.detail.xhr.responseText.match(/id="tile-[^"]+"/g) || []).forEach(function (id) {
        var old = document.getElementById(id.slice(4, -1));
        if (old && window.LeadboardCharts) window.LeadboardCharts.dispose(old);
      });
    });
    document.body.addEventListener("htmx:afterSettle", function (event) {
      if (isFreshRequest(event) && window.LeadboardCharts) window.LeadboardCharts.renderAll(tilesEl);
    });
    function fetchChanged(keys) {
      var query = pageQuery();
      freshQuery = query;
      var url = filters.getAttribute("hx-get") + "?" + (query ? query + "&" : "") +
        "only=" + encodeURIComponent(keys.join(","));
      return window.htmx.ajax("GET", url, { source: fresh, target: "#dash-status", swap: "innerHTML" });
    }
    function poll() {
      if (document.hidden || allLoading) return Promise.resolve();
      var headers = etag ? { "If-None-Match": etag } : {};
      return fetch(tilesEl.dataset.versionsUrl, { headers: headers, credentials: "same-origin" })
        .then(function (response) {
          if (response.redirected) { pollMs = 0; return null; } // signed out: stop asking
          if (response.status !== 200) return null; // 304: nothing moved; errors: try again
          etag = response.headers.get("ETag");
          return response.json();
        })
        .then(function (body) {
          if (!body || allLoading) return null;
          var changed = tiles().filter(function (tile) {
            var now = body.tiles[tile.dataset.tileKey];
            return tile.dataset.version && now !== undefined && now !== tile.dataset.version;
          }).map(function (tile) { return tile.dataset.tileKey; });
          return changed.length ? fetchChanged(changed) : null;
        });
    }
    function pollLoop() {
      poll().catch(function () { /* offline a moment: the next round asks again */ })
        .then(function () { if (pollMs > 0) setTimeout(pollLoop, pollMs); });
    }
    if (pollMs > 0 && fresh) setTimeout(pollLoop, pollMs);
  }

  // -- drill-down --------------------------------------------------------------------------------
  var panel = $("#drilldown");
  var opener = null;

  function openPanel(url, from) {
    if (!panel || !url) return;
    opener = from || document.activeElement;
    panel.hidden = false;
    window.htmx.ajax("GET", url, { target: "#drilldown-body", swap: "innerHTML" }).then(function () {
      var title = $("#drilldown-title", panel);
      if (title) title.focus();
    });
  }

  function openDrill(tile, key, from) {
    var url = tile.dataset.drillUrl;
    if (!url) return;
    if (key) url += (url.indexOf("?") >= 0 ? "&" : "?") + "key=" + encodeURIComponent(key);
    openPanel(url, from);
  }

  function closeDrill() {
    if (!panel || panel.hidden) return;
    panel.hidden = true;
    $("#drilldown-body", panel).innerHTML = "";
    if (opener && document.body.contains(opener)) opener.focus();
  }

  document.addEventListener("lb:drill", function (event) {
    openDrill(event.detail.tile, event.detail.key, event.detail.tile.querySelector(".tile-menu summary"));
  });

  // -- tile menu ---------------------------------------------------------------------------------
  function closeMenus(except) {
    $all("details.tile-menu[open]").forEach(function (menu) {
      if (menu !== except) menu.open = false;
    });
  }

  function toggleFullscreen(tile, button) {
    var on = !tile.classList.contains("is-fullscreen");
    tile.classList.toggle("is-fullscreen", on);
    tile.parentElement.classList.toggle("has-fullscreen", on);
    document.body.classList.toggle("fullscreen-open", on);
    var words = tilesEl ? JSON.parse(tilesEl.dataset.words || "{}") : {};
    $all('[data-action="fullscreen"]', tile).forEach(function (b) {
      b.textContent = on ? words.exit_fullscreen : words.fullscreen;
    });
    if (window.LeadboardCharts && window.LeadboardCharts.get(tile)) {
      window.LeadboardCharts.get(tile).resize();
    }
    if (button) button.focus();
  }

  function downloadPng(tile) {
    var chart = window.LeadboardCharts && window.LeadboardCharts.get(tile);
    if (!chart) return;
    var surface = getComputedStyle(document.documentElement).getPropertyValue("--surface").trim();
    var link = document.createElement("a");
    link.href = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: surface || "#fff" });
    link.download = (tilesEl.dataset.slug || "tile") + "-" + tile.dataset.tileKey + ".png";
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function printTile(tile) {
    document.body.classList.add("print-one");
    tile.parentElement.classList.add("print-target");
    window.print();
  }

  window.addEventListener("afterprint", function () {
    document.body.classList.remove("print-one");
    $all(".print-target").forEach(function (el) { el.classList.remove("print-target"); });
    if (window.LeadboardCharts) window.LeadboardCharts.resizeAll();
  });
  window.addEventListener("beforeprint", function () {
    if (window.LeadboardCharts) window.LeadboardCharts.resizeAll();
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    var menu = target.closest("details.tile-menu");
    closeMenus(menu);
    var action = target.closest("[data-action]");
    if (!action) {
      if (panel && !panel.hidden && !target.closest("#drilldown") && !target.closest(".chart")) closeDrill();
      return;
    }
    var tile = action.closest("[data-tile-key]");
    var name = action.dataset.action;
    if (name === "close-drill") return closeDrill();
    if (name === "print-dashboard") return window.print();
    if (!tile) return;
    if (menu && name !== "csv") menu.open = false;
    if (name === "fullscreen") toggleFullscreen(tile, menu ? menu.querySelector("summary") : action);
    else if (name === "png") downloadPng(tile);
    else if (name === "print") printTile(tile);
    else if (name === "drill") openDrill(tile, action.dataset.key || "", action);
    else if (name === "figures") openPanel(tile.dataset.figuresUrl, menu ? menu.querySelector("summary") : action);
  });

  var printButton = $("#print-dashboard");
  if (printButton) printButton.addEventListener("click", function () { window.print(); });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = $("details.tile-menu[open]");
    if (open) {
      open.open = false;
      open.querySelector("summary").focus();
      return;
    }
    if (panel && !panel.hidden) return closeDrill();
    var full = $(".tile.is-fullscreen");
    if (full) toggleFullscreen(full, full.querySelector(".tile-menu summary"));
  });
  // -- editing: the grid's layout and the tile editor (issue 11 item 2) --------------------------
  function csrfHeader() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || ""; }
    catch (e) { return ""; }
  }

  var gridEdit = $("#grid-edit");
  var editButton = $("#edit-layout");
  var saveButton = $("#save-layout");
  var layoutStatus = $("#layout-status");

  function setLayoutEditing(on) {
    if (!grid) return;
    // Positions are saved on the dashboard's own grid: not on a phone's single column.
    if (on && grid.getColumn() !== (Number(tilesEl.dataset.columns) || 3)) {
      layoutStatus.textContent = gridEdit.dataset.narrow;
      return;
    }
    grid.setStatic(!on);
    tilesEl.classList.toggle("is-editing", on);
    editButton.setAttribute("aria-pressed", on ? "true" : "false");
    editButton.textContent = on ? editButton.dataset.on : editButton.dataset.off;
    saveButton.hidden = !on;
    layoutStatus.textContent = "";
  }

  function saveLayout() {
    var places = grid.save(false).map(function (item) {
      return { key: item.id, x: item.x || 0, y: item.y || 0, w: item.w || 1, h: item.h || 1 };
    });
    fetch(gridEdit.dataset.layoutUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfHeader() },
      body: JSON.stringify(places),
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      layoutStatus.textContent = gridEdit.dataset.saved;
      layoutStatus.dataset.state = "saved";
      setLayoutEditing(false);
      layoutStatus.textContent = gridEdit.dataset.saved;
    }).catch(function () {
      layoutStatus.textContent = gridEdit.dataset.failed;
      layoutStatus.dataset.state = "failed";
    });
  }

  if (gridEdit && editButton && saveButton) {
    editButton.addEventListener("click", function () {
      setLayoutEditing(editButton.getAttribute("aria-pressed") !== "true");
    });
    saveButton.addEventListener("click", saveLayout);
    if (grid) {
      grid.on("resizestop", function (event, el) {
        var tile = el && el.querySelector("[data-tile-key]");
        if (tile && window.LeadboardCharts && window.LeadboardCharts.get(tile)) window.LeadboardCharts.get(tile).resize();
      });
    }
  }

  // Removing a tile asks first.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });

  var tileForm = $("#tile-form");
  if (tileForm) {
    // Two tabs; without JavaScript both panels show one below the other.
    var tabs = $all("[data-tab]", tileForm);
    function showTab(name) {
      tabs.forEach(function (tab) { tab.setAttribute("aria-selected", tab.dataset.tab === name ? "true" : "false"); });
      $all("[data-panel]", tileForm).forEach(function (panel) { panel.hidden = panel.dataset.panel !== name; });
    }
    var tabList = $("[role=tablist]", tileForm);
    if (tabList) {
      tabList.hidden = false;
      tabs.forEach(function (tab) { tab.addEventListener("click", function () { showTab(tab.dataset.tab); }); });
      // a problem on the layout tab opens it
      var invalid = $("[aria-invalid=true]", tileForm);
      var panel = invalid && invalid.closest("[data-panel]");
      showTab(panel ? panel.dataset.panel : "dataset");
    }

    // Options that only some chart kinds have show for those; options of amounts (data-measures)
    // only while the measure, or the line's of a columns + line chart, is an amount.
    var chart = $("#tf-chart");
    var measure = $("#tf-measure");
    var measure2 = $("#tf-measure2");
    function forChart(el) { return el.dataset.charts.split(" ").indexOf(chart.value) >= 0; }
    function measured() {
      var values = [measure ? measure.value : ""];
      var line = measure2 && measure2.closest("[data-charts]");
      if (line && forChart(line)) values.push(measure2.value);
      return values;
    }
    function showForChart() {
      var values = measured();
      $all("[data-charts]", tileForm).forEach(function (el) {
        var amounts = el.dataset.measures ? el.dataset.measures.split(" ") : null;
        el.hidden = !forChart(el) || (amounts !== null &&
          !values.some(function (v) { return amounts.indexOf(v) >= 0; }));
      });
    }
    if (chart) {
      showForChart();
      [chart, measure, measure2].forEach(function (el) { if (el) el.addEventListener("change", showForChart); });
    }

    // A new entity, field or operator changes the inputs that follow: the server draws them.
    tileForm.addEventListener("change", function (event) {
      if (event.target.hasAttribute("data-refresh")) $("#editor-refresh").click();
    });

    var preview = $("#tiles");
    document.body.addEventListener("htmx:beforeSwap", function (event) {
      if (event.detail.target === preview && event.detail.xhr.status === 422) {
        event.detail.shouldSwap = true;
        event.detail.isError = false;
      }
    });
    document.body.addEventListener("htmx:afterSettle", function (event) {
      if (event.detail.target !== preview) return;
      // problems of the form shown next to their fields; none left: clear them
      var problems = {};
      var box = $("[data-problems]", preview);
      if (box) { try { problems = JSON.parse(box.dataset.problems); } catch (e) { problems = {}; } }
      $all("[data-error-for]", tileForm).forEach(function (el) {
        var message = problems[el.dataset.errorFor];
        el.textContent = message || "";
        el.hidden = !message;
      });
      $all("[name]", tileForm).forEach(function (input) {
        if (problems[input.name]) input.setAttribute("aria-invalid", "true");
        else if (input.getAttribute("aria-invalid")) input.removeAttribute("aria-invalid");
      });
      if (window.LeadboardCharts) window.LeadboardCharts.renderAll(preview);
    });
  }
})();
