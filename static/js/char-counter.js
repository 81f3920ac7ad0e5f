/* A character counter under each text area with a limit (data-char-limit): "120 of 4,000 characters", and how
   many to cut once over. Optional: without it the form states the limit and the server says when it is passed. */
(function () {
  "use strict";

  function format(n) { return n.toLocaleString("en-GB"); }

  function attach(area) {
    var limit = Number(area.dataset.charLimit);
    var counter = document.createElement("p");
    counter.id = area.id + "-count";
    counter.className = "char-count";
    counter.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", counter);
    area.setAttribute("aria-describedby", ((area.getAttribute("aria-describedby") || "") + " " + counter.id).trim());

    function update() {
      var used = area.value.length;
      var over = used - limit;
      counter.textContent = over > 0
        ? format(over) + " characters over the limit of " + format(limit) + ": shorten the report to send it."
        : format(used) + " of " + format(limit) + " characters";
      counter.classList.toggle("char-count-over", over > 0);
    }
    area.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-char-limit]").forEach(attach);
  });
})();
