// Review pages: turn a text selection in the proposed text into the comment
// form's quote with some context before and after (deleted words excluded),
// step through changes, and print the report. The server re-checks all of it.
(function () {
  "use strict";

  var print = document.getElementById("print-report");
  if (print) print.addEventListener("click", function (e) { e.preventDefault(); window.print(); });

  // Change navigation over <ins>/<del> groups in document order.
  var changes = Array.prototype.slice.call(document.querySelectorAll("#redline ins, #redline del"));
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

  document.addEventListener("click", function (e) {
    var m = e.target.closest && e.target.closest("mark.anchor");
    if (!m) return;
    var card = document.getElementById(m.getAttribute("data-comment"));
    if (card) { card.scrollIntoView({block: "center"}); card.classList.add("current-change"); }
  });

  var form = document.getElementById("comment-form");
  if (!form) return;
  var quote = document.getElementById("c-quote"), prefix = document.getElementById("c-prefix"), suffix = document.getElementById("c-suffix");

  // Text of a fragment as the newer version has it: deleted words removed.
  function newerText(fragment) {
    var dels = fragment.querySelectorAll("del, .art-head");
    for (var i = 0; i < dels.length; i++) dels[i].parentNode.removeChild(dels[i]);
    return fragment.textContent;
  }

  function scopeOf(node) {
    var el = node.nodeType === 1 ? node : node.parentElement;
    return el && (el.closest("section") || el.closest("[data-quote-scope]"));
  }

  document.addEventListener("mouseup", function () {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return;
    var range = sel.getRangeAt(0);
    var scope = scopeOf(range.startContainer);
    if (!scope || !scope.closest("[data-quote-scope]") || scopeOf(range.endContainer) !== scope) return;
    if (scope.closest("td") && !scope.closest("td").classList.contains("proposed")) return;
    var q = newerText(range.cloneContents());
    if (!q.trim()) return;
    var before = document.createRange();
    before.setStart(scope, 0);
    before.setEnd(range.startContainer, range.startOffset);
    var after = document.createRange();
    after.setStart(range.endContainer, range.endOffset);
    after.setEnd(scope, scope.childNodes.length);
    quote.value = q;
    prefix.value = newerText(before.cloneContents()).slice(-64);
    suffix.value = newerText(after.cloneContents()).slice(0, 64);
    form.classList.add("has-quote");
    document.getElementById("c-body").focus({preventScroll: true});
  });
})();
