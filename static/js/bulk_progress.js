// 生成全部报告: the overall progress bar follows the campaign's files until all are done (or failed).
(function () {
  "use strict";
  var _ = window.gettext || String; // the English catalogue (jsi18n), when the page loaded it
  var fill = window.interpolate || function (fmt, obj) {
    return fmt.replace(/%\((\w+)\)s/g, function (m, k) { return obj[k]; });
  };
  var bar = document.getElementById("bulk-bar");
  if (!bar || !bar.dataset.active) { return; }
  var label = document.getElementById("bulk-percent");
  function poll() {
    fetch(bar.dataset.progressUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        bar.setAttribute("aria-valuenow", data.percent);
        bar.firstElementChild.style.width = data.percent + "%";
        label.textContent = data.percent + "% " + fill(_("（%(ready)s / %(total)s）"), data, true);
        if (data.done) { window.location.reload(); } else { setTimeout(poll, 1500); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  poll();
}());
