// Report buttons: ask for the report without leaving the page, then show the worker's progress
// until the download link appears. Without JavaScript the forms still work (a full page reload).
(function () {
  "use strict";
  function csrf(form) { return form.querySelector("input[name=csrfmiddlewaretoken]").value; }

  function render(cell, data) {
    var status = cell.querySelector(".report-status");
    status.textContent = "";
    if (data.download_url) {
      var a = document.createElement("a");
      a.href = data.download_url; a.className = "report-download"; a.textContent = "下载 PDF";
      status.appendChild(a);
      return true;
    }
    var bar = document.createElement("span"); bar.className = "progress";
    var fill = document.createElement("span"); fill.style.width = data.progress + "%";
    bar.appendChild(fill);
    var label = document.createElement("span"); label.className = "muted"; label.textContent = " " + data.status_label;
    status.appendChild(bar); status.appendChild(label);
    return data.status === "failed";
  }

  function poll(cell, url) {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { if (!render(cell, data)) { setTimeout(function () { poll(cell, url); }, 1000); } });
  }

  document.querySelectorAll(".report-cell").forEach(function (cell) {
    var form = cell.querySelector("form.report-request");
    if (cell.dataset.statusUrl && !cell.querySelector(".report-download")) { poll(cell, cell.dataset.statusUrl); }
    if (!form) { return; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(form.action, {
        method: "POST", credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrf(form) },
      })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          cell.dataset.statusUrl = data.status_url;
          if (!render(cell, data)) { poll(cell, data.status_url); }
        });
    });
  });
})();
