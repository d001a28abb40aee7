// A unit's latest dimensions against the city's average, as a radar.
(function () {
  "use strict";
  var _ = window.gettext || String; // the English catalogue (jsi18n), when the page loaded it
  var dims = JSON.parse(document.getElementById("unit-dimensions").textContent);
  var chart = echarts.init(document.getElementById("unit-radar"));
  var name = document.querySelector("h1").textContent.trim();
  chart.setOption({
    tooltip: {}, legend: { bottom: 0, data: [_("全市平均"), name] }, color: ["#5f6b7a", "#b3261e"],
    radar: { radius: window.innerWidth < 640 ? "55%" : "65%", axisName: { color: "#1f2933", fontSize: 13 }, indicator: dims.map(function (d) { return { name: d.name, max: 100 }; }) },
    series: [{ type: "radar", data: [
      { name: _("全市平均"), value: dims.map(function (d) { return d.city || 0; }), areaStyle: { opacity: 0.15 } },
      { name: name, value: dims.map(function (d) { return d.score || 0; }), areaStyle: { opacity: 0.2 } },
    ] }],
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
