/* Live countdowns: every <time data-countdown datetime="..."> shows "in 1 h 12 min" or
 * "overdue by 5 min", updated every 20 seconds. The server renders the same text first
 * (apc.emergency_views.countdown_text), so the page reads correctly without JavaScript.
 * No inline script or style (the CSP is 'self'); an overdue deadline gets USWDS utility
 * classes. The text is not a live region: screen readers read it when they reach it. */
(function () {
  "use strict";

  var OVERDUE_CLASSES = ["text-secondary-dark", "text-bold"];
  var INTERVAL_MS = 20000;

  function span(minutes) {
    if (minutes < 1) return "less than 1 min";
    var days = Math.floor(minutes / 1440);
    var rest = minutes % 1440;
    var hours = Math.floor(rest / 60);
    var mins = rest % 60;
    if (days) return days + " d " + hours + " h";
    if (hours) return hours + " h " + mins + " min";
    return mins + " min";
  }

  function countdownText(due, now) {
    var seconds = Math.trunc((due - now) / 1000);
    var text = span(Math.floor(Math.abs(seconds) / 60));
    return seconds < 0 ? "overdue by " + text : "in " + text;
  }

  function update() {
    var now = Date.now();
    var nodes = document.querySelectorAll("time[data-countdown]");
    Array.prototype.forEach.call(nodes, function (node) {
      var due = Date.parse(node.getAttribute("datetime"));
      if (isNaN(due)) return;
      var text = countdownText(due, now);
      if (node.textContent !== text) node.textContent = text;
      var overdue = due < now;
      OVERDUE_CLASSES.forEach(function (cls) {
        node.classList.toggle(cls, overdue);
      });
    });
  }

  update();
  window.setInterval(update, INTERVAL_MS);
})();
