/* Chart pages: each [data-zz-charts] section fetches its charts' JSON (app/queries/charts.py) from its
   data-url and draws each one with the app's ECharts; a click on a bar follows the chart's link. */
(function () {
  "use strict";
  var MASKED = "<5";
  var instances = [];

  function escape(text) {
    return window.echarts.format.encodeHTML(String(text));
  }

  function shown(unit, raw) {
    if (raw === null || raw === undefined) { return "—"; }
    if (raw === MASKED) { return MASKED; }
    if (unit === "percent") { return Number(raw).toFixed(1) + "%"; }  // 1.0 as 1.0 %, like 7.1 %
    if (unit === "money") {
      return "¥" + Number(raw).toLocaleString("zh-CN", {minimumFractionDigits: 2, maximumFractionDigits: 2});
    }
    return Number(raw).toLocaleString("zh-CN");
  }

  function point(raw) {
    if (raw === MASKED) {
      return {value: 0, raw: raw, label: {show: true, position: "top", formatter: MASKED}};
    }
    return {value: raw === null ? null : Number(raw), raw: raw};
  }

  // a prefix every bar's name shares (the county's name before each school's) takes the room the
  // names need: the axis drops it, the tooltip keeps the full name
  function commonPrefix(labels) {
    if (labels.length < 2) { return ""; }
    var prefix = labels[0];
    labels.forEach(function (label) {
      while (prefix && label.indexOf(prefix) !== 0) { prefix = prefix.slice(0, -1); }
    });
    var digit = prefix.search(/[0-9]/);  // never cut inside a number ("2025年…", "2026年…")
    if (digit >= 0) { prefix = prefix.slice(0, digit); }
    var shortest = Math.min.apply(null, labels.map(function (label) { return label.length; }));
    return prefix.length >= 2 && shortest - prefix.length >= 2 ? prefix : "";
  }

  // the pixels a label takes at 12 px, at most `width` (CJK characters are square, others about half)
  function labelWidth(label, width) {
    var pixels = 0;
    for (var i = 0; i < label.length; i += 1) { pixels += label.charCodeAt(i) > 0x2e80 ? 12 : 7; }
    return Math.min(pixels, width);
  }

  function tooltip(chart) {
    if (chart.kind === "pie") {
      return {trigger: "item", formatter: function (p) {
        return escape(p.name) + "<br>" + p.marker + shown(chart.unit, p.data.raw) + " (" + p.percent + "%)";
      }};
    }
    return {trigger: "axis", axisPointer: {type: "shadow"}, formatter: function (params) {
      var lines = [escape(chart.labels[params[0].dataIndex])];
      params.forEach(function (p) {
        lines.push(p.marker + escape(p.seriesName) + ": " + shown(chart.unit, p.data.raw));
      });
      return lines.join("<br>");
    }};
  }

  function option(chart, empty) {
    var base = {animationDuration: 300, tooltip: tooltip(chart), color: [
      "#2f6da8", "#e8a33d", "#4caf7a", "#c2504b", "#7b68b5", "#3aa7b8", "#8c8c8c"]};
    if (!chart.labels.length) {
      base.graphic = {type: "text", left: "center", top: "middle", style: {text: empty, fill: "#8a96a3", fontSize: 14}};
    }
    if (chart.kind === "pie") {
      base.legend = {bottom: 0, type: "scroll"};
      base.series = [{type: "pie", name: chart.title, radius: ["35%", "62%"], center: ["50%", "45%"],
        data: chart.labels.map(function (label, i) {
          return Object.assign(point(chart.series[0].data[i]), {name: label});
        })}];
      return base;
    }
    base.legend = {top: 0, type: "scroll"};
    var rotated = chart.labels.length > 4, width = rotated ? 150 : 120;
    var prefix = commonPrefix(chart.labels);
    var labels = chart.labels.map(function (label) { return label.slice(prefix.length); });
    // the first rotated label reaches left of its bar, past the value axis: the grid leaves it room
    // (containLabel leaves room for the value axis' labels only)
    var reach = rotated && labels.length ? Math.round(labelWidth(labels[0], width) * 0.87) - 40 : 0;
    base.grid = {left: Math.max(8, reach), right: 16, top: 32, bottom: 8, containLabel: true};
    base.xAxis = {type: "category", data: labels,
      axisLabel: {interval: 0, rotate: rotated ? 30 : 0, width: width, overflow: rotated ? "truncate" : "break"}};
    base.yAxis = {type: "value", axisLabel: {formatter: function (v) {
      return chart.unit === "percent" ? v + "%" : Number(v).toLocaleString("zh-CN");
    }}};
    base.series = chart.series.map(function (s) {
      return {type: chart.kind === "line" ? "line" : "bar", name: s.name, data: s.data.map(point),
        stack: chart.kind === "stack" ? "all" : undefined, barMaxWidth: 36,
        cursor: chart.link ? "pointer" : "default"};
    });
    return base;
  }

  function drawKpis(chart) {
    document.querySelectorAll('[data-zz-kpi="' + chart.key + '"]').forEach(function (el) {
      var series = chart.series[Number(el.getAttribute("data-zz-kpi-series"))];
      el.textContent = series ? shown(chart.unit, series.total) : "—";
    });
  }

  function draw(section, chart) {
    var box = document.createElement("div");
    var title = document.createElement("h4");
    var el = document.createElement("div");
    box.className = "col-md-6 zz-chart-box";
    title.textContent = chart.title;
    el.className = "zz-chart";
    el.setAttribute("data-zz-chart", chart.key);
    box.appendChild(title);
    box.appendChild(el);
    section.querySelector(".zz-chart-grid").appendChild(box);
    var instance = window.echarts.init(el, null, {renderer: "canvas"});
    instance.on("finished", function () { el.setAttribute("data-zz-rendered", "1"); });
    instance.setOption(option(chart, section.getAttribute("data-empty")));
    if (chart.link) {
      instance.on("click", function (p) {
        var key = chart.keys[p.dataIndex];
        if (key !== undefined && key !== null) {
          window.location.href = chart.link.replace("__key__", encodeURIComponent(key));
        }
      });
    }
    instances.push(instance);
    drawKpis(chart);
  }

  function load(section) {
    fetch(section.getAttribute("data-url"), {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) {
        data.charts.forEach(function (chart) { draw(section, chart); });
        section.setAttribute("data-zz-loaded", "1");
      })
      .catch(function () {
        section.querySelector(".zz-chart-error").hidden = false;
      });
  }

  if (!window.echarts) {  // not installed: `make install` copies it (scripts/install-echarts.sh)
    document.querySelectorAll(".zz-chart-error").forEach(function (el) { el.hidden = false; });
    return;
  }
  document.querySelectorAll("[data-zz-charts]").forEach(load);
  window.addEventListener("resize", function () {
    instances.forEach(function (instance) { instance.resize(); });
  });
  window.addEventListener("beforeprint", function () {
    instances.forEach(function (instance) { instance.resize(); });
  });
}());
