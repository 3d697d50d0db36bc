// Review pages: step through changes and print the report. The server marks
// each comment's words in the redline; margin.js places the comments beside
// them and comment-box.js turns a selection into the comment form's quote.
(function () {
  "use strict";

  var print = document.getElementById("print-report");
  if (print) print.addEventListener("click", function (e) { e.preventDefault(); window.print(); });

  // Change navigation in document order, one stop per change: a change that
  // crosses elements is split into several <ins>/<del>, the first with its id
  // (c1, c2, ...). Suggestions in comment cards are not changes.
  var changes = Array.prototype.slice.call(document.querySelectorAll("#redline ins[id^='c'], #redline del[id^='c']"));
  var at = -1;
  function go(step) {
    if (!changes.length) return;
    at = (at + step + changes.length) % changes.length;
    changes.forEach(function (c) { c.classList.remove("current-change"); });
    var c = changes[at];
    c.classList.add("current-change");
    c.scrollIntoView({block: "center"});
  }
  var next = document.getElementById("next-change"), prev = document.getElementById("prev-change");
  if (next) next.addEventListener("click", function (e) { e.preventDefault(); go(1); });
  if (prev) prev.addEventListener("click", function (e) { e.preventDefault(); go(-1); });
})();
