// "复制链接": the unit's public link to the clipboard (a text box to copy by hand where the browser refuses).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) return;
  var url = button.dataset.copy, label = button.textContent;
  function done() { button.textContent = button.dataset.done; setTimeout(function () { button.textContent = label; }, 2000); }
  function byHand() {
    var box = document.createElement("input");
    box.value = url; box.readOnly = true; box.setAttribute("aria-label", label);
    button.replaceWith(box); box.select();
  }
  if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(url).then(done, byHand);
  else byHand();
});
