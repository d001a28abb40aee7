/* Progressive enhancement of the public form; everything works without it.
 * 1. show-if: hide a question until the earlier answer it depends on is given.
 * 2. drafts: keep what was typed on this device (localStorage) until the form is sent. */
(function () {
  "use strict";
  var form = document.getElementById("survey-form");
  if (!form) return;
  var key = form.dataset.draftKey;

  function answers(name) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name === name && ((el.type !== "radio" && el.type !== "checkbox") || el.checked);
    }).map(function (el) { return el.value; });
  }

  // "q3=a|b;q5=other": shown when every named earlier answer is one of its values (as the server checks).
  function applyShowIf() {
    form.querySelectorAll("[data-show-when]").forEach(function (box) {
      var shown = box.dataset.showWhen.split(";").every(function (condition) {
        var parts = condition.split("="), wanted = (parts[1] || "").split("|");
        var source = document.getElementById("q-" + parts[0]);
        if (source && source.hidden) return false;  // an answer hidden in turn does not count
        return answers(parts[0]).some(function (v) { return wanted.indexOf(v) !== -1; });
      });
      box.hidden = !shown;
      var hint = box.querySelector(".show-if-hint");
      if (hint) hint.hidden = true;
    });
    // "other, please specify": the text box shows beside its option once chosen
    form.querySelectorAll("[data-other-of]").forEach(function (input) {
      var option = document.getElementById(input.dataset.otherOf);
      input.hidden = !(option && option.checked);
    });
  }

  function save() {
    if (!key) return;  // the editor's preview keeps nothing
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken") return;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      (data[el.name] = data[el.name] || []).push(el.value);
    });
    try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* private mode: no draft */ }
  }

  function restore() {
    var raw;
    if (!key) return;
    try { raw = localStorage.getItem(key); } catch (e) { return; }
    if (!raw || form.dataset.hasErrors) return;  // the server's copy (after an error) wins
    var data = JSON.parse(raw);
    Array.prototype.forEach.call(form.elements, function (el) {
      var values = data[el.name];
      if (!values || el.name === "csrfmiddlewaretoken") return;
      if (el.type === "radio" || el.type === "checkbox") el.checked = values.indexOf(el.value) !== -1;
      else if (el.type !== "hidden") el.value = values[0];
      else if (el.name === "_started") el.value = values[0];  // keep the first start time
    });
    var note = document.querySelector(".draft-note");
    if (note) note.hidden = false;
  }

  restore();
  applyShowIf();
  form.addEventListener("change", function () { applyShowIf(); save(); });
  form.addEventListener("input", save);
})();
