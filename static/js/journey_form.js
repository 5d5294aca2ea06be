/* The "new journey" page: picking a template fills in the journey's name while the user has not typed one. */
(function () {
  "use strict";
  var name = document.getElementById("id_name");
  if (!name) return;
  var filled = ""; // the name this script put in, so a name the user typed is never overwritten
  document.addEventListener("change", function (event) {
    var radio = event.target;
    if (!radio.matches || !radio.matches('input[type="radio"][name="template"]')) return;
    if (name.value && name.value !== filled) return;
    filled = radio.dataset.templateName || "";
    name.value = filled;
  });
})();
