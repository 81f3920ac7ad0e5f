// A "Copy link" button beside a link: shown only when the clipboard can be written, so without JavaScript the
// link itself stays the way to share (select it, or open it). Markup: <button data-copy-target="ID" hidden>.
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) return;
  document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    var status = document.getElementById(button.getAttribute("aria-describedby") || "");
    if (!target) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(target.href || target.textContent.trim()).then(
        function () { if (status) status.textContent = "Link copied."; },
        function () { if (status) status.textContent = "Could not copy: select the link and copy it yourself."; }
      );
    });
  });
})();
