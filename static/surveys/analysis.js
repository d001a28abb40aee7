/* Results per question: a chart each (pie for single choice, bar for multiple, stacked bar for a matrix and
 * a cross-tab, histogram for numbers), drawn with the vendored ECharts; "下载图片" saves it as PNG. The tables
 * under the charts carry the same figures for those who cannot see the chart. */
(function () {
  "use strict";
  var _ = window.gettext || String; // the English catalogue (jsi18n), when the page loaded it
  var charts = JSON.parse(document.getElementById("charts-data").textContent);
  var drawn = [];
  var COLORS = ["#2f6fb0", "#e0a030", "#1e7b45", "#b3261e", "#7a5bb0", "#3aa0a0", "#8a6d3b", "#5f6b7a"];

  function stacked(categories, series, horizontal) {
    return {
      color: COLORS, tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, type: "scroll" }, grid: { left: 8, right: 16, top: 34, bottom: 8, containLabel: true },
      xAxis: horizontal ? { type: "value", minInterval: 1 } : { type: "category", data: categories },
      yAxis: horizontal ? { type: "category", data: categories, inverse: true } : { type: "value", minInterval: 1 },
      series: series.map(function (s) { return { name: s.name, type: "bar", stack: "all", data: s.data, label: { show: true, formatter: function (p) { return p.value || ""; } } }; }),
    };
  }
  function option(c) {
    var labels = c.rows.map(function (r) { return r.label; }), counts = c.rows.map(function (r) { return r.count; });
    if (c.chart === "pie") return {
      color: COLORS, tooltip: { trigger: "item", formatter: _("{b}：{c}（{d}%）") }, legend: { bottom: 0, type: "scroll" },
      series: [{ type: "pie", radius: ["0%", "62%"], center: ["50%", "45%"], label: { formatter: _("{b}\n{c}（{d}%）") },
                 data: c.rows.map(function (r) { return { name: r.label, value: r.count }; }) }],
    };
    if (c.chart === "stacked" && c.matrix) return stacked(c.matrix.rows, c.matrix.series, true);
    return {
      color: COLORS, tooltip: { trigger: "axis" }, grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: c.chart === "histogram" ? { type: "category", data: labels } : { type: "value", minInterval: 1 },
      yAxis: c.chart === "histogram" ? { type: "value", minInterval: 1 } : { type: "category", data: labels, inverse: true },
      series: [{ type: "bar", data: counts, barCategoryGap: c.chart === "histogram" ? "2%" : "30%",
                 label: { show: true, position: c.chart === "histogram" ? "top" : "right",
                          formatter: function (p) { return p.value ? p.value + _("（") + c.rows[p.dataIndex].percent + _("）") : ""; } } }],
    };
  }
  document.querySelectorAll(".result-card").forEach(function (card) {
    var c = charts[Number(card.dataset.chartIndex)];
    var box = card.querySelector(".chart:not(.cross-chart)");
    if (box && (c.rows.length || c.matrix)) {
      var chart = echarts.init(box, null, { renderer: "canvas" });
      chart.setOption(option(c));
      drawn.push(chart);
      var button = card.querySelector(".png-button");
      if (button) button.addEventListener("click", function () {
        var a = document.createElement("a");
        a.href = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
        a.download = c.title.slice(0, 40) + ".png";
        document.body.appendChild(a); a.click(); a.remove();
      });
    }
    var crossBox = card.querySelector(".cross-chart");
    if (crossBox && c.cross) {
      var cross = echarts.init(crossBox);
      cross.setOption(stacked(c.cross.categories, c.cross.series, true));
      drawn.push(cross);
    }
  });
  window.addEventListener("resize", function () { drawn.forEach(function (ch) { ch.resize(); }); });
  // choosing a question to filter by: reload so its options are offered
  var where = document.getElementById("f-where");
  if (where) where.addEventListener("change", function () { document.getElementById("f-is").value = ""; where.form.submit(); });
})();
