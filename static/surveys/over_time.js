// Answers per day per unit: a line per unit (the table below has the same figures).
(function () {
  var _ = window.gettext || String; // the English catalogue (jsi18n), when the page loaded it
  var el = document.getElementById("over-time-chart");
  var data = JSON.parse(document.getElementById("over-time-data").textContent);
  if (!el || !window.echarts) return;
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { type: "scroll", bottom: 0 },
    grid: { left: 40, right: 16, top: 32, bottom: 56 },
    xAxis: { type: "category", data: data.days },
    yAxis: { type: "value", minInterval: 1, name: _("份") },
    series: data.series.map(function (s) { return { name: s.name, type: "line", data: s.data, smooth: false }; })
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
