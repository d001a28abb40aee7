// On a phone the header's links fold into a menu: the button opens and closes it.
(function () {
  "use strict";
  var button = document.querySelector("header.top .menu-toggle");
  if (!button) { return; }
  var menu = document.getElementById(button.getAttribute("aria-controls"));
  button.addEventListener("click", function () {
    var open = !menu.classList.contains("open");
    menu.classList.toggle("open", open);
    button.setAttribute("aria-expanded", String(open));
  });
})();
