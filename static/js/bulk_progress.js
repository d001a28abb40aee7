// 生成全部报告: the overall progress bar follows the campaign's files until all are done (or failed).
(function () {
  "use strict";
  var bar = document.getElementById("bulk-bar");
  if (!bar || !bar.dataset.active) { return; }
  var label = document.getElementById("bulk-percent");
  function poll() {
    fetch(bar.dataset.progressUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        bar.setAttribute("aria-valuenow", data.percent);
        bar.firstElementChild.style.width = data.percent + "%";
        label.textContent = data.percent + "% （" + data.ready + " / " + data.total + "）";
        if (data.done) { window.location.reload(); } else { setTimeout(poll, 1500); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  poll();
}());
