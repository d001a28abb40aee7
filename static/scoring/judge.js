// Live feedback while an expert judges: each change asks the server (the same AHP engine that saves) for the
// weights, CR and revision hints, and shows them. Without JS the page works too: saving shows them.
(function () {
  "use strict";
  var _ = window.gettext || String; // the English catalogue (jsi18n), when the page loaded it
  var form = document.getElementById("judge-form");
  if (!form) return;
  var box = document.getElementById("feedback");
  var timer = null, pending = null;
  function refresh() {
    if (pending) pending.abort();
    pending = new AbortController();
    fetch(form.dataset.previewUrl, {method: "POST", body: new FormData(form), signal: pending.signal,
                                    credentials: "same-origin"})
      .then(function (r) {
        if (!r.ok && r.status !== 400) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (data) {
        if (data.html !== undefined) box.innerHTML = data.html;
        else if (data.error) box.textContent = data.error;
      })
      .catch(function (e) {
        if (e.name === "AbortError") return;
        box.textContent = _("暂时无法计算权重，保存后即可看到结果。");
      });
  }
  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 120); // several quick changes: one request
  });
})();
