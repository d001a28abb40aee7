// The leaders' chart: units' provisional scores and satisfaction rates, best first.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var chart = echarts.init(document.getElementById("scores-chart"));
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: ["暂定得分", "满意率（%）"] },
    grid: { left: 160, right: 30, top: 40, bottom: 30 },
    xAxis: { type: "value", min: 0, max: 100 },
    yAxis: { type: "category", data: data.units, inverse: true },
    series: [
      { name: "暂定得分", type: "bar", data: data.scores, itemStyle: { color: "#2f6fb0" } },
      { name: "满意率（%）", type: "bar", data: data.satisfaction, itemStyle: { color: "#e0a030" } },
    ],
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
