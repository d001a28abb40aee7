// Live feedback while an expert judges: every change asks the server (the same AHP engine that saves)
// for the weights, CR and revision hints, and shows them. Without JS the page works by saving.
(function () {
  "use strict";
  var form = document.getElementById("judge-form");
  if (!form) return;
  var box = document.getElementById("feedback");
  var pending = null;
  function refresh() {
    if (pending) pending.abort();
    pending = new AbortController();
    fetch(form.dataset.previewUrl, {method: "POST", body: new FormData(form), signal: pending.signal,
                                    credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (data) { if (data.html !== undefined) box.innerHTML = data.html; else if (data.error) box.textContent = data.error; })
      .catch(function (e) { if (e.name !== "AbortError") box.setAttribute("data-error", String(e)); });
  }
  form.addEventListener("change", refresh);
})();
