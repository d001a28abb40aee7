// The leaders' dashboard: every chart drawn from the page's data (the same figures as the tables beside them).
(function () {
  "use strict";
  var _ = window.gettext || String; // the English catalogue (jsi18n), when the page loaded it
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var dims = data.dimensions.map(function (d) { return d.name; });
  var GRADE_COLOURS = { excellent: "#1e7b45", good: "#2f6fb0", fair: "#e0a030", poor: "#b3261e", incomplete: "#9aa5b1" };
  var mark = data.provisional ? _("（暂定）") : "";
  var charts = {};
  var narrow = function () { return window.innerWidth < 640; };
  var labelWidth = function () { return 8; };  // with containLabel: the axis makes room for the names
  // a phone shows the unit's short name (市教育局), a desk its full name; both in the tooltip and the table
  var label = function (row) { return narrow() ? row.short : row.unit; };

  // on a meeting-room screen (全屏展示) the type and the rows grow so the back of the room can read them
  var big = function () { return document.body.classList.contains("fullscreen"); };
  var rowHeight = function () { return big() ? 36 : 24; };
  function init(key) {
    var el = document.getElementById("chart-" + key);
    if (!el) { return null; }
    if (!charts[key]) {
      var chart = echarts.init(el);
      var setOption = chart.setOption.bind(chart);
      chart.setOption = function (option, notMerge) {
        var size = big() ? 18 : (narrow() ? 11 : 12);
        option.textStyle = { fontSize: size };
        ["xAxis", "yAxis"].forEach(function (k) {
          if (option[k]) { option[k].axisLabel = Object.assign({}, option[k].axisLabel, { fontSize: size }); }
        });
        if (option.legend) { option.legend.textStyle = { fontSize: size }; }
        if (option.title) { option.title.textStyle = { fontSize: big() ? 22 : 14 }; }
        if (option.radar) { option.radar.axisName = Object.assign({ color: "#1f2933" }, option.radar.axisName, { fontSize: size + 1 }); }
        (option.series || []).forEach(function (serie) { if (serie.label) { serie.label.fontSize = size; } });
        return setOption(option, notMerge);
      };
      charts[key] = chart;
    }
    return charts[key];
  }

  function visibleRows() {
    var kind = document.getElementById("filter-kind").value, level = document.getElementById("filter-level").value;
    return data.ranking.filter(function (r) { return (!kind || r.kind === kind) && (!level || r.level === level); });
  }

  function drawRanking() {
    var rows = visibleRows().filter(function (r) { return r.score !== null; });
    var el = document.getElementById("chart-ranking");
    el.style.height = Math.max(240, 60 + rowHeight() * rows.length) + "px";
    var chart = init("ranking");
    chart.resize();
    chart.setOption({
      title: { text: _("各单位得分") + mark, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
                 formatter: function (p) { var r = rows[p[0].dataIndex]; return r.unit + "<br>" + _("得分 %s").replace("%s", r.score) + _("，") + r.grade_label; } },
      grid: { containLabel: true, left: labelWidth(), right: 40, top: 40, bottom: 30 },
      xAxis: { type: "value", min: 0, max: 100, name: _("得分") },
      yAxis: { type: "category", inverse: true, data: rows.map(label) },
      series: [{ type: "bar", data: rows.map(function (r) { return { value: r.score, itemStyle: { color: GRADE_COLOURS[r.grade || "incomplete"] } }; }),
                 label: { show: true, position: "right" } }],
    }, true);
    document.querySelectorAll("#ranking-table tbody tr").forEach(function (tr) {
      var kind = document.getElementById("filter-kind").value, level = document.getElementById("filter-level").value;
      tr.hidden = (kind && tr.dataset.kind !== kind) || (level && tr.dataset.level !== level);
    });
  }

  function drawGrades() {
    var g = data.headline.grades;
    var groups = [{ label: _("全部单位") }].concat(data.grades.by_kind, data.grades.by_level);
    groups[0] = Object.assign({ label: _("全部单位") }, Object.fromEntries(g.map(function (x) { return [x.grade, x.count]; })));
    init("grades").setOption({
      title: { text: _("等次分布") + mark, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 24, data: g.map(function (x) { return x.label; }) },
      grid: { left: narrow() ? 80 : 110, right: 20, top: 60, bottom: 20 },
      xAxis: { type: "value", name: _("单位数"), minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: groups.map(function (x) { return x.label; }) },
      series: g.map(function (x) {
        return { name: x.label, type: "bar", stack: "n", itemStyle: { color: GRADE_COLOURS[x.grade] },
                 label: { show: true, formatter: function (p) { return p.value || ""; } },
                 data: groups.map(function (row) { return row[x.grade] || 0; }) };
      }),
    });
  }

  function drawRadar(index) {
    var series = [{ value: data.radar.city.map(function (v) { return v === null ? 0 : v; }), name: _("全市平均"), areaStyle: { opacity: 0.15 } }];
    var legend = [_("全市平均")];
    if (index !== "" && index !== undefined && data.ranking[index]) {
      var r = data.ranking[index];
      series.push({ value: r.dimensions.map(function (v) { return v === null ? 0 : v; }), name: r.unit, areaStyle: { opacity: 0.2 } });
      legend.push(r.unit);
    }
    init("radar").setOption({
      title: { text: _("八个维度") + mark, left: "center", textStyle: { fontSize: 14 } },
      tooltip: {}, legend: { bottom: 0, data: legend },
      color: ["#5f6b7a", "#b3261e"],
      radar: { radius: narrow() ? "55%" : "65%", indicator: dims.map(function (d) { return { name: d, max: 100 }; }),
               axisName: { color: "#1f2933", fontSize: narrow() ? 11 : 13 } },
      series: [{ type: "radar", data: series }],
    }, true);
  }

  function drawHeatmap() {
    var sortBy = document.getElementById("heat-sort").value;
    var rows = visibleRows().slice();
    if (sortBy !== "") {
      var i = Number(sortBy);
      rows.sort(function (a, b) { return (b.dimensions[i] === null ? -1 : b.dimensions[i]) - (a.dimensions[i] === null ? -1 : a.dimensions[i]); });
    }
    var cells = [];
    rows.forEach(function (r, y) { r.dimensions.forEach(function (v, x) { cells.push([x, y, v === null ? "-" : v]); }); });
    var el = document.getElementById("chart-heatmap");
    el.style.height = Math.max(260, 110 + rowHeight() * rows.length) + "px";
    var chart = init("heatmap");
    chart.resize();
    chart.setOption({
      title: { text: _("各单位八个维度得分") + mark, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { formatter: function (p) { return rows[p.data[1]].unit + "<br>" + dims[p.data[0]] + _("：") + p.data[2]; } },
      grid: { containLabel: true, left: labelWidth(), right: 10, top: 70, bottom: 60 },
      xAxis: { type: "category", data: dims, position: "top", axisLabel: { interval: 0, rotate: narrow() ? 60 : 0, fontSize: 11 } },
      yAxis: { type: "category", inverse: true, data: rows.map(label) },
      visualMap: { min: 40, max: 100, calculable: true, orient: "horizontal", left: "center", bottom: 0, text: [_("高"), _("低")],
                   inRange: { color: ["#b3261e", "#f4d03f", "#1e7b45"] } },
      series: [{ type: "heatmap", data: cells, label: { show: !narrow(), fontSize: 10 } }],
    }, true);
  }

  function drawSatisfaction() {
    var names = dims.concat(data.satisfaction.public !== null ? [_("服务对象")] : []);
    var values = data.satisfaction.staff.concat(data.satisfaction.public !== null ? [data.satisfaction.public] : []);
    init("satisfaction").setOption({
      title: { text: _("满意率（%）"), left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      grid: { left: narrow() ? 70 : 100, right: 40, top: 40, bottom: 20 },
      xAxis: { type: "value", min: 0, max: 100 },
      yAxis: { type: "category", inverse: true, data: names },
      series: [{ type: "bar", data: values, itemStyle: { color: "#e0a030" }, label: { show: true, position: "right", formatter: "{c}%" } }],
    });
  }

  function drawRectification() {
    if (!data.rectification) { return; }
    var rows = data.rectification.by_unit;
    var el = document.getElementById("chart-rectification");
    el.style.height = Math.max(240, 70 + rowHeight() * rows.length) + "px";
    init("rectification").setOption({
      title: { text: _("各单位整改进度"), left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 24, data: [_("已完成"), _("未完成"), _("逾期")] },
      grid: { containLabel: true, left: labelWidth(), right: 20, top: 60, bottom: 20 },
      xAxis: { type: "value", minInterval: 1, name: _("事项") },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return String(r.unit); }) },
      series: [
        { name: _("已完成"), type: "bar", stack: "n", itemStyle: { color: "#1e7b45" }, data: rows.map(function (r) { return r.closed; }) },
        { name: _("未完成"), type: "bar", stack: "n", itemStyle: { color: "#9aa5b1" }, data: rows.map(function (r) { return r.total - r.closed - r.overdue; }) },
        { name: _("逾期"), type: "bar", stack: "n", itemStyle: { color: "#b3261e" }, data: rows.map(function (r) { return r.overdue; }) },
      ],
    });
  }

  function drawYoy() {
    if (!data.yoy) { return; }
    var d = data.yoy.dimensions;
    init("yoy").setOption({
      title: { text: _("全市各维度平均得分"), left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { top: 24, data: [_("%s 年").replace("%s", data.compare.year), _("%s 年").replace("%s", data.campaign.year) + mark] },
      grid: { left: narrow() ? 70 : 100, right: 40, top: 60, bottom: 20 },
      xAxis: { type: "value", min: 0, max: 100 },
      yAxis: { type: "category", inverse: true, data: d.map(function (x) { return x.name; }) },
      series: [
        { name: _("%s 年").replace("%s", data.compare.year), type: "bar", itemStyle: { color: "#9aa5b1" }, data: d.map(function (x) { return x.before; }) },
        { name: _("%s 年").replace("%s", data.campaign.year) + mark, type: "bar", itemStyle: { color: "#2f6fb0" }, data: d.map(function (x) { return x.now; }),
          label: { show: true, position: "right", formatter: function (p) { var c = d[p.dataIndex].change; return c === null ? "" : (c > 0 ? "↑" + c : c < 0 ? "↓" + (-c) : _("持平")); } } },
      ],
    });
  }

  // the charts' table views are written when first opened, not sent as HTML: headers and rows of text, the
  // first column a name, the others figures
  function writeTable(box, headers, rows) {
    var table = document.createElement("table");
    var head = table.createTHead().insertRow();
    headers.forEach(function (text) { var th = document.createElement("th"); th.textContent = text; head.appendChild(th); });
    var body = table.createTBody();
    rows.forEach(function (row) {
      var tr = body.insertRow();
      row.forEach(function (cell, i) { var td = tr.insertCell(); if (i) { td.className = "num"; } td.textContent = cell; });
    });
    box.replaceChildren(table);
  }

  // as the server formats them (dashboard/views.py: _table_views)
  var tableViews = JSON.parse(document.getElementById("dashboard-tables").textContent);
  function buildTableView(box, key) { writeTable(box, tableViews[key][0], tableViews[key][1]); }

  // the heat map's table: every unit × 8 dimensions, from the page's data
  function buildHeatTable(box) {
    writeTable(box, [_("单位")].concat(dims), data.ranking.map(function (r) {
      return [r.unit].concat(r.dimensions.map(function (v) { return v === null ? "—" : v; }));
    }));
  }

  // the ranking's table and the radar's unit picker: built here from the same data as the charts, not sent
  // again as 1,000 rows of HTML
  var one = function (v) { return v === null ? "—" : v.toFixed(1); };  // as the server writes 86.0
  function buildRankingTable() {
    var table = document.getElementById("ranking-table");
    var unitUrl = table.dataset.unitUrl;
    var body = document.createDocumentFragment();
    data.ranking.forEach(function (r, i) {
      var tr = document.createElement("tr");
      tr.dataset.kind = r.kind;
      tr.dataset.level = r.level;
      var rank = tr.insertCell();
      rank.className = "num";
      rank.textContent = r.rank === null ? "—" : r.rank;
      var name = tr.insertCell();
      var button = document.createElement("button");
      button.type = "button";
      button.className = "linklike";
      button.dataset.unit = i;
      button.title = _("查看雷达图");
      button.textContent = r.unit;
      var history = document.createElement("a");
      history.className = "muted";
      history.href = unitUrl.replace(/\/0\/$/, "/" + r.unit_id + "/");
      history.textContent = _("历年");
      name.append(button, " ", history);
      var score = tr.insertCell();
      score.className = "num";
      score.textContent = one(r.score);
      if (r.provisional) {
        var basis = document.createElement("small");
        basis.className = "muted provisional";
        basis.title = _("结果生成前按已计量的指标计算，随评估推进变化");
        basis.textContent = r.basis;
        score.append(document.createElement("br"), basis);
      }
      var grade = tr.insertCell();
      if (r.grade) {
        var badge = document.createElement("span");
        badge.className = "badge " + r.grade;
        badge.textContent = r.grade_label;
        grade.append(badge);
      } else {
        grade.textContent = r.grade_label;
      }
      if (data.compare) {
        var change = tr.insertCell();
        change.className = "num";
        change.textContent = r.change === null ? "—" : (r.change > 0 ? "↑ +" : r.change < 0 ? "↓ " : "") + one(r.change);
      }
      body.append(tr);
    });
    table.tBodies[0].replaceChildren(body);
    var picker = document.getElementById("radar-unit");
    data.ranking.forEach(function (r, i) { picker.add(new Option(r.unit, String(i))); });
  }

  // 年度对比: the units that moved up or down a grade
  function listMoved() {
    document.querySelectorAll("#yoy [data-moved]").forEach(function (list) {
      var moved = data.yoy[list.dataset.moved];
      var items = moved.map(function (m) {
        var li = document.createElement("li");
        li.textContent = m.unit + _("：") + m.from + " → " + m.to;
        return li;
      });
      if (!items.length) {
        items = [document.createElement("li")];
        items[0].className = "muted";
        items[0].textContent = _("无");
      }
      list.replaceChildren.apply(list, items);
    });
  }

  function drawAll() {
    drawRanking(); drawGrades(); drawRadar(document.getElementById("radar-unit").value); drawHeatmap();
    drawSatisfaction(); drawRectification(); drawYoy();
  }

  buildRankingTable();
  listMoved();

  // the toolbar of each card: the table view, the chart as a PNG (ECharts getDataURL)
  document.querySelectorAll(".chart-card").forEach(function (card) {
    var key = card.dataset.chart;
    card.querySelectorAll("[data-action]").forEach(function (button) {
      if (button.dataset.action === "table") {
        button.addEventListener("click", function () {
          var table = document.getElementById("table-" + key);
          if (table.querySelector("[data-lazy]")) {
            if (key === "heatmap") { buildHeatTable(table); } else { buildTableView(table, key); }
          }
          table.hidden = !table.hidden;
          button.setAttribute("aria-expanded", String(!table.hidden));
        });
      } else if (button.dataset.action === "png") {
        button.addEventListener("click", function () {
          var link = document.createElement("a");
          link.href = charts[key].getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
          link.download = data.campaign.year + "-" + (card.querySelector("h2").textContent.trim()) + ".png";
          document.body.appendChild(link); link.click(); link.remove();
        });
      }
    });
  });
  ["filter-kind", "filter-level"].forEach(function (id) {
    document.getElementById(id).addEventListener("change", function () { drawRanking(); drawHeatmap(); });
  });
  document.getElementById("heat-sort").addEventListener("change", drawHeatmap);
  var radarPick = document.getElementById("radar-unit");
  radarPick.addEventListener("change", function () { drawRadar(radarPick.value); });
  document.querySelector("#ranking-table tbody").addEventListener("click", function (event) {
    var button = event.target.closest("[data-unit]");
    if (!button) { return; }
    radarPick.value = button.dataset.unit;
    drawRadar(radarPick.value);
    document.getElementById("card-radar").scrollIntoView({ behavior: "smooth" });
  });
  // full screen for a meeting room: the page alone, larger type; Esc or the button leaves it
  var full = document.getElementById("fullscreen");
  full.addEventListener("click", function () {
    var on = !document.body.classList.contains("fullscreen");
    document.body.classList.toggle("fullscreen", on);
    full.setAttribute("aria-pressed", String(on));
    full.textContent = on ? _("退出全屏") : _("全屏展示");
    if (on && document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen().catch(function () {}); }
    if (!on && document.fullscreenElement) { document.exitFullscreen(); }
    setTimeout(function () { drawAll(); Object.values(charts).forEach(function (c) { c.resize(); }); }, 100);
  });
  document.addEventListener("fullscreenchange", function () {
    if (!document.fullscreenElement && document.body.classList.contains("fullscreen")) { full.click(); }
  });
  // another campaign: compare it with its own previous year unless the user picks otherwise
  document.getElementById("pick-campaign").addEventListener("change", function () {
    document.getElementById("pick-compare").value = "";
  });
  drawAll();
  var resizing;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () { drawAll(); Object.values(charts).forEach(function (c) { c.resize(); }); }, 150);
  });
})();
