/* The "new journey" page: picking a template fills in the journey's name and description with the template's,
 * as long as the user has not typed their own (what the user typed is never overwritten). */
(function () {
  "use strict";
  var fields = {templateName: document.getElementById("id_name"), templateDescription: document.getElementById("id_description")};
  var filled = {templateName: "", templateDescription: ""}; // what this script put in each field

  document.addEventListener("change", function (event) {
    var radio = event.target;
    if (!radio.matches || !radio.matches('input[type="radio"][name="template"]')) return;
    Object.keys(fields).forEach(function (key) {
      var field = fields[key];
      if (!field || (field.value && field.value !== filled[key])) return;
      filled[key] = radio.dataset[key] || "";
      field.value = filled[key];
    });
  });
})();
