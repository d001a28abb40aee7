/* Keeps a local draft of a form (localStorage) so a dropped network loses nothing.
   Progressive enhancement: without JavaScript the form posts as usual. The draft is saved on every
   change, offered back when the page is reopened with other values than the server's, and dropped once the
   server's values are the same (the save went through). */
(function () {
  var _ = window.gettext || String; // the English catalogue (jsi18n), when the page loaded it
  var form = document.querySelector("form[data-draft-key]");
  if (!form || !window.localStorage) return;
  var key = "bianzhi-draft:" + form.dataset.draftKey;
  var banner = document.getElementById("draft-banner");

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "file" && el.type !== "submit";
    });
  }
  function values() {
    var data = {};
    fields().forEach(function (el) { data[el.name] = el.type === "checkbox" ? el.checked : el.value; });
    return data;
  }
  function save() {
    try { localStorage.setItem(key, JSON.stringify({ savedAt: new Date().toISOString(), data: values() })); } catch (e) {}
  }
  function same(a, b) {
    return Object.keys(a).every(function (name) { return !(name in b) || a[name] === b[name]; });
  }
  function restore(draft) {
    fields().forEach(function (el) {
      if (!(el.name in draft.data)) return;
      if (el.type === "checkbox") el.checked = draft.data[el.name]; else el.value = draft.data[el.name];
    });
  }
  if (form.dataset.draftSaved === "1") localStorage.removeItem(key);  // the server has just accepted it
  var stored = localStorage.getItem(key), draft = stored ? JSON.parse(stored) : null;
  if (draft && same(draft.data, values())) { localStorage.removeItem(key); draft = null; }  // the server has it
  if (draft && banner) {
    banner.hidden = false;
    banner.querySelector("[data-restore]").addEventListener("click", function () { restore(draft); banner.hidden = true; });
    banner.querySelector("[data-discard]").addEventListener("click", function () { localStorage.removeItem(key); banner.hidden = true; });
  }
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", function (event) {
    save();
    if (!navigator.onLine) {  // nothing would reach the server: keep the draft and say so
      event.preventDefault();
      if (banner) { banner.hidden = false; banner.querySelector("[data-text]").textContent = _("网络已断开：内容已保存在本机，恢复网络后再提交。"); }
    }
  });
})();
