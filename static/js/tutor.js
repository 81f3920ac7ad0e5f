/* Progressive enhancement for the question card: keyboard answering, focus after swaps, answer timing and the
   exam timer. Everything here is optional: the pages work without it. */
(function () {
  "use strict";

  function card() { return document.getElementById("card"); }

  function isTyping(event) {
    var t = event.target;
    return t && (t.tagName === "TEXTAREA" || t.tagName === "SELECT" ||
      (t.tagName === "INPUT" && !/^(radio|checkbox|submit|button)$/.test(t.type)));
  }

  function startTiming(root) {
    var form = root && root.querySelector("[data-question-form]");
    if (form) { form.dataset.shownAt = String(Date.now()); }
  }

  function focusNew(root) {
    var target = root && root.querySelector("[data-autofocus]");
    if (target) { target.focus({ preventScroll: false }); }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches && form.matches("[data-question-form]")) {
      var shown = Number(form.dataset.shownAt || 0);
      var field = form.querySelector("input[name=duration_ms]");
      if (shown && field) { field.value = String(Date.now() - shown); }
    }
  }, true);

  // The header's Menu button, links and search take their keys as usual: Enter there opens the menu, it never sends
  // an answer.
  function inHeader(event) {
    return event.target && event.target.closest && event.target.closest(".site-header") !== null;
  }

  document.addEventListener("keydown", function (event) {
    var root = card();
    // Keys act only once htmx has wired up the card; until then the page behaves as plain HTML.
    if (!root || !root.dataset.ready || event.altKey || event.ctrlKey || event.metaKey || isTyping(event) || inHeader(event)) { return; }
    var form = root.querySelector("[data-question-form]");
    var key = event.key;
    if (form && /^[1-9]$/.test(key)) {
      var inputs = form.querySelectorAll(".options input");
      var input = inputs[Number(key) - 1];
      if (input) {
        event.preventDefault();
        input.checked = input.type === "radio" ? true : !input.checked;
        input.focus();
      }
      return;
    }
    if (form && key === "Enter" && event.target.tagName !== "BUTTON" && event.target.tagName !== "A") {
      event.preventDefault();
      form.requestSubmit();
      return;
    }
    if (!form) {
      var rating = root.querySelector('.rating-form [data-rating-key="' + key + '"]');
      if (rating) { event.preventDefault(); rating.click(); return; }
      var next = root.querySelector("[data-next]");
      if (next && (key === "n" || key === "N" || (key === "Enter" && event.target === document.body))) {
        event.preventDefault();
        next.click();
      }
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var root = card();
    // The card itself, a part of it, or the whole body (an HX-Location navigation, a history restore).
    if (root && (event.target === root || root.contains(event.target) || event.target.contains(root))) {
      startTiming(root);
      focusNew(root);
      root.dataset.ready = "1";
    }
  });

  // A failed request must never be a dead click: say what happened in the page's live region.
  function announce(text) {
    var region = document.getElementById("live-status");
    if (!region) { return; }
    region.textContent = "";
    // A fresh text node after a pause, so that screen readers announce the same message twice in a row.
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  function serverMessage(xhr) {
    try {
      var doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
      var alert = doc.querySelector("[role=alert]") || doc.querySelector("main p.lead");
      return alert ? alert.textContent.trim() : "";
    } catch (error) { return ""; }
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    announce(serverMessage(xhr) || "Something went wrong (error " + xhr.status + "). Try again in a moment.");
  });

  document.addEventListener("htmx:sendError", function () {
    announce("The tutor could not be reached, so nothing was sent. Check your connection and try again.");
  });

  document.addEventListener("htmx:beforeRequest", function () {
    var region = document.getElementById("live-status");
    if (region) { region.textContent = ""; }
  });

  function tickTimers() {
    document.querySelectorAll(".timer[data-deadline]").forEach(function (timer) {
      var left = Math.max(0, Math.round((Date.parse(timer.dataset.deadline) - Date.now()) / 1000));
      var text = timer.querySelector("[data-timer-text]");
      var minutes = Math.floor(left / 60), seconds = left % 60;
      if (text) { text.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds; }
      if (left <= 60) { timer.classList.add("timer-low"); }
      if (left === 0 && !timer.dataset.expired) {
        timer.dataset.expired = "1";
        window.location.reload();
      }
    });
  }

  // The phone and tablet menu (a <details>) closes with Escape, focus back on its button, and with a click or tap
  // outside it, as menus do. On wide screens its contents are a bar that no closing hides.
  function openMenu() { return document.querySelector("details.site-menu[open]"); }

  document.addEventListener("keydown", function (event) {
    var menu = openMenu();
    if (event.key === "Escape" && menu) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });

  document.addEventListener("click", function (event) {
    var menu = openMenu();
    if (menu && !menu.contains(event.target)) { menu.open = false; }
  });

  function reportTimeZone() {
    var field = document.querySelector("input[type=hidden][name=time_zone]");
    if (field && !field.value && window.Intl) {
      field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    reportTimeZone();
    var root = card();
    startTiming(root);
    if (root) { root.dataset.ready = "1"; }
    tickTimers();
    window.setInterval(tickTimers, 1000);
  });
})();
