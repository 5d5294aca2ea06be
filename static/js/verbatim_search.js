/* The verbatim search's filters: choosing another journey reloads the page, so that the touchpoint select
 * offers that journey's touchpoints (the server builds the options). */
(function () {
  "use strict";
  var form = document.getElementById("verbatim-filters");
  if (!form) return;
  var journey = form.querySelector("select[name=journey]");
  var touchpoint = form.querySelector("select[name=touchpoint]");
  if (!journey) return;
  journey.addEventListener("change", function () {
    if (touchpoint) touchpoint.value = "";
    var page = form.querySelector("input[name=page]");
    if (page) page.value = "";
    form.requestSubmit ? form.requestSubmit() : form.submit();
  });
})();
