/* ChainAtlas web atlas: charts (bars, metric trends, chain map, coverage heat map), reviewer token,
   curation buttons, tracker edits, uploads.
   Loaded as a static file (the Content-Security-Policy forbids inline scripts). Text from the
   server is only ever put into the page with textContent, never innerHTML. */
(function () {
  "use strict";

  var TOKEN_KEY = "chainatlas.token";

  function getToken() {
    try { return sessionStorage.getItem(TOKEN_KEY) || ""; } catch (e) { return ""; }
  }
  function setToken(value) {
    try {
      if (value) { sessionStorage.setItem(TOKEN_KEY, value); } else { sessionStorage.removeItem(TOKEN_KEY); }
    } catch (e) { /* storage disabled: the token lives only for this page */ }
  }

  function messages() {
    var el = document.querySelector("[data-messages]");
    return el ? el.dataset : {};
  }

  function flash(text, isError) {
    var el = document.querySelector("[data-flash]");
    if (!el) { return; }
    el.textContent = text;
    el.hidden = false;
    el.classList.toggle("flash-err", !!isError);
  }

  function showTokenState() {
    var set = !!getToken();
    document.querySelectorAll("[data-token-state]").forEach(function (el) {
      el.textContent = set ? el.dataset.yes : el.dataset.no;
      el.classList.toggle("is-set", set);
    });
  }

  function initToken() {
    document.querySelectorAll("[data-token-form]").forEach(function (form) {
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var input = form.querySelector("input[name=token]");
        setToken(input.value.trim());
        input.value = "";
        showTokenState();
      });
      var clear = form.querySelector("[data-token-clear]");
      if (clear) {
        clear.addEventListener("click", function () { setToken(""); showTokenState(); });
      }
    });
    showTokenState();
  }

  function errorText(status, detail) {
    var m = messages();
    return m[String(status)] || ((m.err || "Error:") + " " + status + (detail ? " " + detail : ""));
  }

  function authHeaders() {
    var token = getToken();
    return token ? { "Authorization": "Bearer " + token } : {};
  }

  function initCuration() {
    document.querySelectorAll(".curate[data-fact]").forEach(function (box) {
      box.querySelectorAll("button[data-action]").forEach(function (btn) {
        btn.addEventListener("click", function () {
          var id = box.dataset.fact;
          var action = btn.dataset.action;
          var buttons = box.querySelectorAll("button");
          buttons.forEach(function (b) { b.disabled = true; });
          fetch("/api/v1/facts/" + encodeURIComponent(id) + "/" + action, {
            method: "POST", headers: authHeaders(), credentials: "same-origin"
          }).then(function (res) {
            return res.json().catch(function () { return {}; }).then(function (body) {
              if (!res.ok) {
                flash(errorText(res.status, body && body.detail), true);
                return;
              }
              var row = document.querySelector('[data-fact-row="' + id + '"]');
              var badge = row && row.querySelector("[data-status]");
              if (badge) {
                badge.textContent = messages()[body.status] || body.status;
                badge.className = "status status-" + body.status;
              }
              flash(messages().ok || "Saved.", false);
            });
          }).catch(function (err) {
            flash((messages().err || "Error:") + " " + err, true);
          }).finally(function () {
            buttons.forEach(function (b) { b.disabled = false; });
          });
        });
      });
    });
  }

  function initUpload() {
    var form = document.querySelector("[data-upload-form]");
    if (!form) { return; }
    var texts = (document.querySelector("[data-upload-messages]") || { dataset: {} }).dataset;
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var data = new FormData(form);
      var button = form.querySelector("button");
      button.disabled = true;
      fetch("/api/v1/documents", { method: "POST", body: data, headers: authHeaders(), credentials: "same-origin" })
        .then(function (res) {
          return res.json().catch(function () { return {}; }).then(function (body) {
            if (!res.ok) {
              flash(texts[String(res.status)] || errorText(res.status, body && body.detail), true);
              return;
            }
            var label = body.status === "new" ? texts["new"] : texts.duplicate;
            flash((label || "") + " " + (body.title || body.filename || ""), false);
            if (body.document_id) {
              var link = document.createElement("a");
              link.href = "/documents/" + encodeURIComponent(body.document_id);
              link.textContent = " →";
              document.querySelector("[data-flash]").appendChild(link);
            }
          });
        })
        .catch(function (err) { flash(String(err), true); })
        .finally(function () { button.disabled = false; });
    });
  }

  // ---------------------------------------------------------------- charts (ECharts, SVG renderer)

  var INK = "#1c2530", MUTED = "#5d6a78", FAINT = "#8a96a3", LINE = "#cdd4dc", GRID = "#eef1f4", ACCENT = "#1f4e5f";
  var COVERAGE = {  // chain coverage: fill and outline of a node or cell
    strong: { fill: "#1f4e5f", line: "#1f4e5f" },
    present: { fill: "#5aa39a", line: "#3f867d" },
    weak: { fill: "#f0b54a", line: "#c98e1f" },
    absent: { fill: "#ffffff", line: "#b4bec8" },
    stage: { fill: "#e6eff1", line: "#1f4e5f" },
    root: { fill: "#1f4e5f", line: "#1f4e5f" }
  };
  var TOOLTIP = { renderMode: "richText", backgroundColor: "rgba(255,255,255,.97)", borderColor: LINE, borderWidth: 1,
    padding: [8, 10], textStyle: { color: INK, fontSize: 12, lineHeight: 18 }, confine: true };

  function readJSON(el) {
    var source = document.getElementById(el.dataset.source);
    if (!source) { return null; }
    try { return JSON.parse(source.textContent); } catch (e) { return null; }
  }

  function tipText(p) {
    var tip = p.data && p.data.tip;
    return Array.isArray(tip) ? tip.join("\n") : String(p.name);
  }

  function sameSiteDocument(href) {  // citation links only: a document of this atlas
    return typeof href === "string" && /^\/documents\/\d+(#p\d+)?$/.test(href);
  }

  function barChart(el, data) {
    var horizontal = data.horizontal === true;
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    var category = { type: "category", data: horizontal ? data.names.slice().reverse() : data.names,
      axisTick: { show: false }, axisLine: { lineStyle: { color: LINE } },
      axisLabel: { color: MUTED, fontSize: 12 } };
    var value = { type: "value", minInterval: 1, splitLine: { lineStyle: { color: GRID } },
      axisLabel: { color: FAINT, fontSize: 11 } };
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 24, top: 10, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", renderMode: "richText", axisPointer: { type: "shadow" } },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: [{ type: "bar", name: data.label, barMaxWidth: 22,
        data: horizontal ? data.values.slice().reverse() : data.values,
        itemStyle: { color: "#3d7a8c", borderRadius: horizontal ? [0, 3, 3, 0] : [3, 3, 0, 0] },
        label: { show: horizontal, position: "right", color: MUTED, fontSize: 11 } }]
    });
    if (data.link === "region") {
      var refs = {};
      (data.names || []).forEach(function (n, i) { refs[n] = (data.refs || [])[i] || n; });
      chart.on("click", function (p) { window.location.href = "/regions/" + encodeURIComponent(refs[p.name] || p.name); });
    }
    return chart;
  }

  function metricChart(el, data) {
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    var line = data.kind === "line";
    chart.setOption({
      animation: false,
      grid: { left: 6, right: 18, top: 26, bottom: 4, containLabel: true },
      tooltip: Object.assign({ trigger: "item", formatter: function (p) {
        return p.name + "  " + data.labels[p.dataIndex]; } }, TOOLTIP),
      xAxis: { type: "category", data: data.names, boundaryGap: !line, axisTick: { show: false },
        axisLine: { lineStyle: { color: LINE } }, axisLabel: { color: MUTED, fontSize: 11 } },
      yAxis: { type: "value", scale: line, splitLine: { lineStyle: { color: GRID } },
        axisLabel: { color: FAINT, fontSize: 10 } },
      series: [{ type: line ? "line" : "bar", data: data.values, barMaxWidth: 34, symbolSize: 8,
        itemStyle: { color: "#3d7a8c", borderRadius: line ? 0 : [3, 3, 0, 0] },
        lineStyle: { color: "#3d7a8c", width: 2 },
        label: { show: true, position: "top", color: INK, fontSize: 11, fontWeight: 600,
          formatter: function (p) { return data.labels[p.dataIndex]; } } }]
    });
    chart.on("click", function (p) {
      var href = data.hrefs[p.dataIndex];
      if (sameSiteDocument(href)) { window.location.href = href; }
    });
    return chart;
  }

  function styleTree(node, depth) {
    var c = COVERAGE[node.status] || COVERAGE.absent;
    var structural = node.status === "root" || node.status === "stage";
    node.symbol = "circle";
    node.itemStyle = { color: c.fill, borderColor: c.line, borderWidth: node.status === "absent" ? 1.5 : 1 };
    node.symbolSize = structural ? (node.status === "root" ? 16 : 13) : 8 + Math.min(8, Math.sqrt(node.value || 0) * 2);
    node.label = structural ? { fontWeight: 700, color: ACCENT, fontSize: node.status === "root" ? 15 : 13 }
                            : { color: node.status === "absent" ? FAINT : INK };
    (node.children || []).forEach(function (ch) { styleTree(ch, depth + 1); });
    return node;
  }

  function treeChart(el, data) {
    var leaves = parseInt(el.dataset.leaves || "20", 10);
    el.style.height = Math.max(360, leaves * 24 + 40) + "px";
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: Object.assign({ trigger: "item", formatter: tipText }, TOOLTIP),
      series: [{
        type: "tree", data: [styleTree(data.root, 0)], orient: "LR",
        top: 16, bottom: 16, left: 70, right: 230, roam: false,
        expandAndCollapse: false, initialTreeDepth: -1,
        lineStyle: { color: LINE, width: 1.2, curveness: 0.5 },
        // every leaf has a row of its own, so a long (English) label can only cross the thin edges of
        // the next level: a white backing (no fixed width: it would cover the neighbours) keeps it legible
        label: { position: "left", verticalAlign: "middle", align: "right", fontSize: 12, distance: 6,
          backgroundColor: "rgba(255,255,255,.88)", padding: [1, 3], borderRadius: 3 },
        leaves: { label: { position: "right", verticalAlign: "middle", align: "left" } },
        emphasis: { focus: "ancestor" }
      }]
    });
    chart.on("click", function (p) {
      var id = p.data && p.data.id;
      var row = id && document.getElementById("seg-" + id);
      if (!row) { return; }
      var box = row.closest("details");
      if (box) { box.open = true; }
      row.classList.add("flash-row");
      row.scrollIntoView({ behavior: "smooth", block: "center" });
      window.setTimeout(function () { row.classList.remove("flash-row"); }, 1600);
    });
    return chart;
  }

  function heatColor(v) {
    if (!v) { return "#f3f5f7"; }
    if (v < 2) { return "#d4e8e4"; }
    if (v < 4) { return "#9fcbc4"; }
    if (v < 8) { return "#5aa39a"; }
    return "#1f4e5f";
  }

  function heatmapChart(el, data) {
    var rows = parseInt(el.dataset.rows || "20", 10);
    el.style.height = Math.max(320, rows * 26 + 70) + "px";
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    var cells = data.data.map(function (d) {
      var v = d.value[2];
      return { value: d.value, tip: d.tip, itemStyle: { color: heatColor(v) },
        label: { color: v >= 4 ? "#ffffff" : (v ? INK : FAINT) } };
    });
    chart.setOption({
      animation: false,
      tooltip: Object.assign({ trigger: "item", formatter: tipText }, TOOLTIP),
      grid: { left: 8, right: 12, top: 34, bottom: 6, containLabel: true },
      xAxis: { type: "category", data: data.regions, position: "top", axisTick: { show: false },
        axisLine: { show: false }, axisLabel: { color: INK, fontSize: 13, fontWeight: 600 } },
      yAxis: { type: "category", data: data.segments, axisTick: { show: false }, axisLine: { show: false },
        axisLabel: { color: MUTED, fontSize: 12,
          formatter: function (value, index) {  // stage rows as headings (rich text: the names are ours)
            return (data.headers || []).indexOf(index) >= 0 ? "{stage|" + value + "}" : value; },
          rich: { stage: { color: ACCENT, fontWeight: 700, fontSize: 12 } } } },
      series: [{ type: "heatmap", data: cells,
        label: { show: true, fontSize: 12, formatter: function (p) { return p.value[2] ? String(p.value[2]) : "—"; } },
        itemStyle: { borderColor: "#ffffff", borderWidth: 3, borderRadius: 4 },
        emphasis: { itemStyle: { borderColor: ACCENT, borderWidth: 1 } } }]
    });
    return chart;
  }

  var DRAW = { bar: barChart, metric: metricChart, tree: treeChart, heatmap: heatmapChart };

  function initCharts() {
    if (typeof window.echarts === "undefined") { return; }
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var draw = DRAW[el.dataset.chart];
      var data = readJSON(el);
      if (!draw || !data) { return; }
      charts.push(draw(el, data));
    });
    if (charts.length) {
      window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    }
  }

  function initScoreBars() {  // widths set through the CSSOM: no inline style attribute (CSP)
    document.querySelectorAll("[data-width]").forEach(function (el) {
      var w = Math.max(0, Math.min(100, parseFloat(el.dataset.width) || 0));
      el.style.width = w + "%";
    });
  }

  // ---------------------------------------------------------------- tracker: inline edits, history, sync

  function trackerTexts() {
    var el = document.querySelector("[data-tracker-messages]");
    return el ? el.dataset : {};
  }

  function postJSON(url, body) {
    var headers = authHeaders();
    if (body !== undefined) { headers["Content-Type"] = "application/json"; }
    return fetch(url, { method: "POST", headers: headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (b) { return { res: res, body: b }; });
      });
  }

  function jsonBlock(id) {
    var el = document.getElementById(id);
    try { return el ? JSON.parse(el.textContent) : {}; } catch (e) { return {}; }
  }

  function statusLabels() { return jsonBlock("tracker-statuses"); }

  function resetStatusOptions(select, item) {
    var labels = statusLabels();
    var keep = [item.status].concat(item.next_statuses || []).filter(function (x) { return x; });
    while (select.firstChild) { select.removeChild(select.firstChild); }
    if (!item.status) {
      var none = document.createElement("option");
      none.value = ""; none.textContent = "—"; none.selected = true;
      select.appendChild(none);
    }
    Object.keys(labels).forEach(function (st) {
      if (keep.indexOf(st) < 0) { return; }
      var opt = document.createElement("option");
      opt.value = st; opt.textContent = labels[st] || st; opt.selected = st === item.status;
      select.appendChild(opt);
    });
    select.dataset.initial = item.status || "";
  }

  function renderHistory(box, entries) {
    var m = trackerTexts();
    while (box.firstChild) { box.removeChild(box.firstChild); }
    if (!entries.length) {
      var p = document.createElement("p");
      p.className = "meta"; p.textContent = m.historyEmpty || "";
      box.appendChild(p);
      return;
    }
    var table = document.createElement("table");
    table.className = "table compact history";
    var head = table.createTHead().insertRow();
    [m.colAt, m.colField, m.colChange, m.colActor].forEach(function (h) {
      var th = document.createElement("th"); th.textContent = h || ""; head.appendChild(th);
    });
    var body = table.createTBody();
    var fields = jsonBlock("tracker-fields");
    entries.slice().reverse().forEach(function (e) {
      var row = body.insertRow();
      [String(e.at || "").replace("T", " ").slice(0, 16), fields[e.field] || e.field,
       (e.old === null || e.old === undefined ? "—" : e.old) + " → " + (e.new === null || e.new === undefined ? "—" : e.new)
         + (e.note ? "  (" + e.note + ")" : ""),
       e.actor || "—"].forEach(function (text) { row.insertCell().textContent = text; });
    });
    box.appendChild(table);
  }

  function loadHistory(id, box) {
    fetch("/api/v1/projects/" + encodeURIComponent(id) + "/history", { headers: authHeaders(), credentials: "same-origin" })
      .then(function (res) {
        return res.json().catch(function () { return []; }).then(function (b) {
          if (!res.ok) { flash(errorText(res.status, b && b.detail), true); return; }
          renderHistory(box, b);
          box.hidden = false;
        });
      })
      .catch(function (err) { flash(String(err), true); });
  }

  function initTracker() {
    var m = trackerTexts();
    document.querySelectorAll("tbody.item[data-item]").forEach(function (item) {
      var id = item.dataset.item;
      var save = item.querySelector("[data-save]");
      var historyButton = item.querySelector("[data-history]");
      var historyBox = item.querySelector("[data-history-box]");
      if (save) {
        save.addEventListener("click", function () {
          var body = {};
          item.querySelectorAll("[data-field]").forEach(function (el) {
            var value = el.value.trim();
            if (value !== (el.dataset.initial || "")) { body[el.dataset.field] = value === "" ? null : value; }
          });
          if (!Object.keys(body).length) { flash(m.nochange || "", false); return; }
          save.disabled = true;
          postJSON("/api/v1/projects/" + encodeURIComponent(id), body).then(function (r) {
            if (!r.res.ok) {
              var text = r.res.status === 409 ? (m["409"] || "") + " " + (r.body.detail || "")
                                              : errorText(r.res.status, r.body && r.body.detail);
              flash(text, true);
              return;
            }
            item.querySelectorAll("[data-field]").forEach(function (el) {
              if (el.tagName === "SELECT") { resetStatusOptions(el, r.body.item); } else { el.dataset.initial = el.value.trim(); }
            });
            var fields = jsonBlock("tracker-fields");
            var changes = (r.body.changes || []).map(function (c) {
              return (fields[c.field] || c.field) + ": " + (c.old === null ? "—" : c.old) + " → " + (c.new === null ? "—" : c.new);
            });
            flash((m.saved || "") + " " + changes.join("; "), false);
            if (historyBox && !historyBox.hidden) { loadHistory(id, historyBox); }
          }).catch(function (err) { flash(String(err), true); })
            .finally(function () { save.disabled = false; });
        });
      }
      if (historyButton && historyBox) {
        historyButton.addEventListener("click", function () {
          if (!historyBox.hidden) { historyBox.hidden = true; return; }
          loadHistory(id, historyBox);
        });
      }
    });
    document.querySelectorAll("[data-sync]").forEach(function (button) {
      button.addEventListener("click", function () {
        button.disabled = true;
        postJSON("/api/v1/tracker/sync").then(function (r) {
          if (!r.res.ok) { flash(errorText(r.res.status, r.body && r.body.detail), true); return; }
          var b = r.body;
          flash(String(m.synced || "").replace("{created}", b.created).replace("{updated}", b.updated)
            .replace("{facts}", b.facts), false);
          window.setTimeout(function () { window.location.reload(); }, 900);
        }).catch(function (err) { flash(String(err), true); })
          .finally(function () { button.disabled = false; });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initToken();
    initCuration();
    initUpload();
    initCharts();
    initScoreBars();
    initTracker();
  });
})();
