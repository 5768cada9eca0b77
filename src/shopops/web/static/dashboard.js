/* shopops dashboard: charts from the page's JSON block, and the forms that call the JSON API.
 *
 * Rules kept here on purpose: no innerHTML with data (text goes in with textContent), chart tooltips are drawn as
 * text by ECharts ("richText" render mode, formatters return plain strings), and every state-changing request
 * carries the session's CSRF token in the X-CSRF-Token header.
 */
(function () {
  "use strict";

  function json(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  var DATA = json("page-data") || {};
  var W = json("page-words") || {};
  var CSRF = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function fmt(x, digits) {
    if (x === null || x === undefined) return "—";
    return Number(x).toLocaleString(undefined, { maximumFractionDigits: digits === undefined ? 2 : digits });
  }

  function pct(x) {
    return x === null || x === undefined ? "—" : (x * 100).toFixed(2) + "%";
  }

  /* Tooltip lines as text: ECharts draws them on the canvas (renderMode richText), never as HTML. */
  function textTooltip(valueFormat) {
    return {
      trigger: "axis",
      renderMode: "richText",
      formatter: function (params) {
        var list = Array.isArray(params) ? params : [params];
        var lines = [String(list.length ? list[0].name : "")];
        list.forEach(function (p) {
          if (p.seriesName === "_base") return;
          lines.push(String(p.seriesName) + ": " + (valueFormat || fmt)(Array.isArray(p.value) ? p.value[1] : p.value));
        });
        return lines.join("\n");
      }
    };
  }

  function chart(id, option) {
    var node = document.getElementById(id);
    if (!node || typeof echarts === "undefined") return null;
    var c = echarts.init(node, null, { renderer: "canvas" });
    option.tooltip = option.tooltip || textTooltip();
    option.animation = false;
    c.setOption(option);
    window.addEventListener("resize", function () { c.resize(); });
    node.setAttribute("data-rendered", "1");
    return c;
  }

  function flash(message, bad) {
    var box = document.getElementById("flash");
    if (!box) return;
    box.hidden = false;
    box.className = "flash" + (bad ? " bad" : "");
    box.textContent = message;
  }

  function api(method, url, body) {
    var headers = { "X-CSRF-Token": CSRF, "Accept": "application/json" };
    var payload = body;
    if (body && !(body instanceof FormData)) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
    return fetch(url, { method: method, headers: headers, body: payload, credentials: "same-origin" })
      .then(function (r) { return r.json(); });
  }

  // ---------------------------------------------------------------- pages

  function overview() {
    if (DATA.empty) return;
    var t = DATA.target;
    if (t && t.series && t.series.length) {
      chart("chart-pacing", {
        legend: { top: 0 },
        grid: { top: 40, left: 70, right: 20 },
        xAxis: { type: "category", data: t.series.map(function (d) { return d.date; }) },
        yAxis: { type: "value" },
        series: [
          { name: W.gmv_today + " (MTD)", type: "line", data: t.series.map(function (d) { return d.actual; }) },
          { name: W.gmv_target, type: "line", lineStyle: { type: "dashed" }, data: t.series.map(function (d) { return d.plan; }) }
        ]
      });
    }
    var wf = DATA.waterfall;
    if (wf) {
      var names = [W.base_gmv].concat(wf.steps.map(function (s) { return W[s.name]; })).concat([W.gmv_today]);
      var base = [0], up = [wf.base], down = [0], level = wf.base;
      wf.steps.forEach(function (s) {
        var next = level + s.value;
        base.push(Math.min(level, next));
        up.push(s.value >= 0 ? s.value : 0);
        down.push(s.value < 0 ? -s.value : 0);
        level = next;
      });
      base.push(0); up.push(wf.total); down.push(0);
      chart("chart-waterfall", {
        grid: { top: 30, left: 70, right: 20 },
        xAxis: { type: "category", data: names },
        yAxis: { type: "value" },
        tooltip: {
          trigger: "axis", renderMode: "richText",
          formatter: function (params) {
            var i = params[0].dataIndex;
            var value = i === 0 ? wf.base : i === names.length - 1 ? wf.total : wf.steps[i - 1].value;
            return String(names[i]) + ": " + fmt(value);
          }
        },
        series: [
          { name: "_base", type: "bar", stack: "w", itemStyle: { color: "transparent" }, data: base },
          { name: "+", type: "bar", stack: "w", itemStyle: { color: "#2f9e44" }, data: up },
          { name: "−", type: "bar", stack: "w", itemStyle: { color: "#c92a2a" }, data: down }
        ]
      });
    }
  }

  function traffic() {
    if (DATA.empty) return;
    var tr = DATA.trend;
    chart("chart-sources", {
      grid: { top: 20, left: 70, right: 20, bottom: 60 },
      xAxis: { type: "category", data: DATA.sources.map(function (s) { return s.source; }), axisLabel: { rotate: 30 } },
      yAxis: { type: "value" },
      series: [{ name: W.visitors, type: "bar", data: DATA.sources.map(function (s) { return s.visitors; }) }]
    });
    chart("chart-trend", {
      legend: { top: 0, type: "scroll" },
      grid: { top: 40, left: 70, right: 20 },
      xAxis: { type: "category", data: tr.dates },
      yAxis: { type: "value" },
      series: tr.visitors.map(function (s) { return { name: s.source, type: "line", stack: "v", areaStyle: {}, data: s.data }; })
    });
    chart("chart-health", {
      legend: { top: 0 },
      tooltip: textTooltip(function (v) { return fmt(v, 3); }),
      grid: { top: 40, left: 70, right: 70 },
      xAxis: { type: "category", data: tr.dates },
      yAxis: [{ type: "value", name: W.bounce_rate }, { type: "value", name: W.pages_per_visitor }],
      series: [
        { name: W.bounce_rate, type: "line", data: tr.bounce_rate },
        { name: W.pages_per_visitor, type: "line", yAxisIndex: 1, data: tr.pages_per_visitor }
      ]
    });
  }

  function products() {
    if (DATA.empty) return;
    var top = DATA.top.slice().reverse();
    chart("chart-top", {
      grid: { top: 20, left: 160, right: 30 },
      yAxis: { type: "category", data: top.map(function (p) { return p.title ? p.sku + " " + p.title : p.sku; }) },
      xAxis: { type: "value" },
      series: [{ name: W.gmv, type: "bar", data: top.map(function (p) { return p.gmv; }) }]
    });
  }

  // ---------------------------------------------------------------- forms

  function problemTable(problems) {
    var head = el("tr", {}, [W.row, W.column, W.value, W.expected].map(function (h) { return el("th", {}, [h]); }));
    var rows = problems.map(function (p) {
      return el("tr", {}, [p.row, p.column, p.value, p.expected || p.message].map(function (v) {
        return el("td", {}, [v === null || v === undefined ? "" : String(v)]);
      }));
    });
    return el("table", { id: "problem-table" }, [el("thead", {}, [head]), el("tbody", {}, rows)]);
  }

  function showResult(box, answer) {
    box.textContent = "";
    if (answer.ok) {
      var tables = Object.keys(answer.rows_by_table || {}).map(function (k) { return k + ": " + answer.rows_by_table[k]; });
      box.appendChild(el("p", { "class": "ok", id: "upload-ok" },
        [answer.file + " — " + answer.status + " (" + answer.format + ", " + tables.join(", ") + ")"]));
    } else {
      box.appendChild(el("p", { "class": "error", id: "upload-error" }, [answer.error.message]));
      if (answer.error.problems && answer.error.problems.length) box.appendChild(problemTable(answer.error.problems));
    }
  }

  function uploadForm() {
    var form = document.getElementById("upload-form");
    if (!form) return;
    var input = document.getElementById("upload-file");
    var zone = document.getElementById("drop-zone");
    var box = document.getElementById("upload-result");
    ["dragenter", "dragover"].forEach(function (e) {
      form.addEventListener(e, function (ev) { ev.preventDefault(); form.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (e) {
      form.addEventListener(e, function (ev) { ev.preventDefault(); form.classList.remove("over"); });
    });
    form.addEventListener("drop", function (ev) {
      if (ev.dataTransfer && ev.dataTransfer.files.length) {
        input.files = ev.dataTransfer.files;
        zone.textContent = ev.dataTransfer.files[0].name;
      }
    });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (!input.files.length) return;
      var body = new FormData();
      body.append("file", input.files[0]);
      box.textContent = "…";
      api("POST", form.getAttribute("action"), body).then(function (answer) {
        showResult(box, answer);
        if (answer.ok) setTimeout(function () { window.location.reload(); }, 1500);
      }).catch(function (e) { box.textContent = String(e); });
    });
  }

  function list(text) {
    return String(text || "").split(",").map(function (x) { return x.trim(); }).filter(Boolean);
  }

  var BODIES = {
    target: function (f) { return { month: f.month.value, gmv: f.gmv.value }; },
    thresholds: function (f) {
      return { bounce_rate: list(f.bounce_rate.value).map(Number), pages_per_visitor: list(f.pages_per_visitor.value).map(Number) };
    },
    store: function (f) { return { name: f.name.value }; },
    new_store: function (f) { return { store_id: f.store_id.value, name: f.name.value, platform: f.platform.value || null }; },
    webhook: function (f) { return { url: f.url.value, events: list(f.events.value) }; },
    user: function (f) { return { username: f.username.value, password: f.password.value, role: f.role.value, stores: list(f.stores.value) }; }
  };

  function apiForms() {
    document.querySelectorAll("form.api-form").forEach(function (form) {
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var body = BODIES[form.getAttribute("data-kind")](form.elements);
        api(form.getAttribute("data-method"), form.getAttribute("data-url"), body).then(function (answer) {
          if (answer.ok) window.location.reload();
          else flash(answer.error.message, true);
        });
      });
    });
  }

  function taskButtons() {
    document.querySelectorAll("[data-task-action]").forEach(function (button) {
      button.addEventListener("click", function () {
        var action = button.getAttribute("data-task-action");
        var url = button.getAttribute("data-url");
        var body = {};
        if (action === "assign") {
          var select = document.getElementById(button.getAttribute("data-select"));
          body = { assignee: select && select.value ? select.value : null };
        }
        api("POST", url, body).then(function (answer) {
          if (answer.ok) window.location.reload();
          else flash(answer.error.message, true);
        });
      });
    });
  }

  function storeSwitch() {
    var select = document.getElementById("store-select");
    if (!select) return;
    select.addEventListener("change", function () {
      window.location.href = "/stores/" + encodeURIComponent(select.value) + "/" + select.getAttribute("data-page");
    });
  }

  var PAGES = { overview: overview, traffic: traffic, products: products };
  document.addEventListener("DOMContentLoaded", function () {
    storeSwitch();
    uploadForm();
    apiForms();
    taskButtons();
    var page = document.body.getAttribute("data-page");
    if (PAGES[page]) PAGES[page]();
  });
})();
