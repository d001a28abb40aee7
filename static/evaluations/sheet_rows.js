// The long sheets (自评表, 评估表): one file picker for the page, moved into the row whose files are opened
// (no 41 pickers). The picker names its row in a hidden field (data-code-field); a "replace" button either
// points the picker at the file's replace URL (data-replace) or names the file it replaces (data-replaces).
(function () {
  var _ = window.gettext || String; // the English catalogue (jsi18n), when the page loaded it
  var picker = document.getElementById("evidence-picker");
  if (!picker) return;
  var code = picker.querySelector("input[name=" + picker.dataset.codeField + "]");
  var replaces = picker.querySelector("input[name=replaces]");
  var label = picker.querySelector("[data-label]");
  var uploadLabel = label.textContent;
  function place(details, action, text, replacing) {
    var slot = details.querySelector(".sa-picker-slot");
    if (!slot) return;
    picker.action = action;
    code.value = details.dataset.code;
    if (replaces) replaces.value = replacing || "";
    label.textContent = text;
    slot.appendChild(picker);
    picker.hidden = false;
  }
  document.querySelectorAll("details.sa-files").forEach(function (details) {
    details.addEventListener("toggle", function () {
      if (!details.open) return;
      document.querySelectorAll("details.sa-files[open]").forEach(function (other) { if (other !== details) other.open = false; });
      place(details, picker.dataset.upload, uploadLabel);
    });
    details.querySelectorAll("[data-replace], [data-replaces]").forEach(function (button) {
      button.addEventListener("click", function () {
        place(details, button.dataset.replace || picker.dataset.upload, button.textContent + _("：") + button.dataset.name,
              button.dataset.replaces);
      });
    });
  });
})();
