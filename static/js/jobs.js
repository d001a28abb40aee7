// Background jobs (reports, exports, registry imports): show a job's state and keep it current while it is
// queued or running; stop polling when it is done, failed or stuck, with the server's Chinese message.
// A form with class "job-request" is sent without leaving the page. Without JavaScript pages still work.
(function () {
  var _ = window.gettext || String; // the English catalogue (jsi18n), when the page loaded it
  "use strict";
  var POLL_MS = 1500, MAX_ERRORS = 3;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text) { e.textContent = text; }
    return e;
  }

  function render(status, data) {
    status.textContent = "";
    if (data.download_url) {
      var a = el("a", "job-download", status.dataset.downloadLabel || _("下载"));
      a.href = data.download_url;
      status.appendChild(a);
    } else if (data.is_active) {
      var bar = el("span", "progress"), fill = el("span");
      bar.setAttribute("role", "progressbar");
      bar.setAttribute("aria-valuenow", data.progress);
      fill.style.width = data.progress + "%";
      bar.appendChild(fill);
      status.appendChild(bar);
      status.appendChild(el("span", "job-percent", " " + data.progress + "%"));
    }
    if (!data.download_url) { status.appendChild(el("span", "muted job-label", " " + (data.status_label || ""))); }
    if (data.message) {
      status.appendChild(el("span", "job-message" + (data.is_active ? "" : " error"), " " + data.message));
    }
    status.dataset.jobStatus = data.status_url || status.dataset.jobStatus;
    return !data.is_active; // true: nothing more to wait for
  }

  function fail(status, text) {
    status.textContent = "";
    status.appendChild(el("span", "job-message error", text));
  }

  function poll(status, errors) {
    fetch(status.dataset.jobStatus, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        if (!render(status, data)) { setTimeout(function () { poll(status, 0); }, POLL_MS); }
      })
      .catch(function () {
        if (errors + 1 >= MAX_ERRORS) { fail(status, _("无法获取任务状态，请稍后刷新页面查看")); return; }
        setTimeout(function () { poll(status, errors + 1); }, POLL_MS * 2);
      });
  }

  document.querySelectorAll("[data-job-status][data-active]").forEach(function (status) { poll(status, 0); });

  document.querySelectorAll("form.job-request").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var cell = form.closest("[data-job-cell]") || form.parentNode;
      var status = cell.querySelector(".job-status");
      if (!status || !window.fetch) { return; }
      event.preventDefault();
      var token = form.querySelector("input[name=csrfmiddlewaretoken]");
      fetch(form.action, {
        method: "POST", credentials: "same-origin", body: new FormData(form),
        headers: { Accept: "application/json", "X-CSRFToken": token ? token.value : "" },
      })
        .then(function (r) {
          return r.json().catch(function () { return { message: _("请求失败（%s），请稍后再试").replace("%s", r.status) }; })
            .then(function (data) { return { ok: r.ok, data: data }; });
        })
        .then(function (res) {
          if (!res.ok || !res.data.status_url) { fail(status, res.data.message || _("请求失败，请稍后再试")); return; }
          if (!render(status, res.data)) { setTimeout(function () { poll(status, 0); }, POLL_MS); }
        })
        .catch(function () { fail(status, _("网络连接失败，请稍后再试")); });
    });
  });
})();
