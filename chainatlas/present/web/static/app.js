/* ChainAtlas web atlas: charts, reviewer token, curation buttons, uploads.
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

  function initCharts() {
    if (typeof window.echarts === "undefined") { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.source);
      if (!source) { return; }
      var data;
      try { data = JSON.parse(source.textContent); } catch (e) { return; }
      var horizontal = data.horizontal === true;
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      var category = { type: "category", data: horizontal ? data.names.slice().reverse() : data.names,
        axisTick: { show: false }, axisLine: { lineStyle: { color: "#cdd4dc" } },
        axisLabel: { color: "#5d6a78", fontSize: 12 } };
      var value = { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#eef1f4" } },
        axisLabel: { color: "#8a96a3", fontSize: 11 } };
      chart.setOption({
        animation: false,
        grid: { left: 8, right: 24, top: 10, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis", renderMode: "richText", axisPointer: { type: "shadow" } },
        xAxis: horizontal ? value : category,
        yAxis: horizontal ? category : value,
        series: [{ type: "bar", name: data.label, barMaxWidth: 22,
          data: horizontal ? data.values.slice().reverse() : data.values,
          itemStyle: { color: "#3d7a8c", borderRadius: horizontal ? [0, 3, 3, 0] : [3, 3, 0, 0] },
          label: { show: horizontal, position: "right", color: "#5d6a78", fontSize: 11 } }]
      });
      if (data.link === "region") {
        chart.on("click", function (p) { window.location.href = "/regions/" + encodeURIComponent(p.name); });
      }
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initToken();
    initCuration();
    initUpload();
    initCharts();
  });
})();
