// Review pages: step through changes, mark each comment's words in the
// redline, and print the report. margin.js places the comments beside their
// words and turns a selection into the comment form's quote.
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

  // Comments next to their words: the redline's article texts, without
  // deleted words, are the later version's text, so a comment's anchor
  // (code points into that version) marks its words in place.
  var red = document.getElementById("redline");
  if (red && red.getAttribute("data-full") === "1") {
    var cards = document.querySelectorAll("article.comment[data-start]");
    for (var k = 0; k < cards.length; k++) markAnchor(red, cards[k]);
  }

  function textNodes(root) {
    var out = [], walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (n) {
        var el = n.parentElement;
        return el.closest(".art-text") && !el.closest("del") ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT;
      }
    });
    for (var n = walker.nextNode(); n; n = walker.nextNode()) out.push(n);
    return out;
  }

  // utf16 converts a code-point offset within s to a UTF-16 index.
  function utf16(s, cp) {
    var i = 0;
    while (cp > 0 && i < s.length) {
      var c = s.charCodeAt(i);
      i += (c >= 0xd800 && c <= 0xdbff) ? 2 : 1;
      cp--;
    }
    return i;
  }

  function markAnchor(root, card) {
    var start = +card.getAttribute("data-start"), end = +card.getAttribute("data-end"), id = card.id;
    if (!(end > start)) return;
    var at = 0, nodes = textNodes(root);
    for (var i = 0; i < nodes.length && at < end; i++) {
      var node = nodes[i], text = node.data, len = Array.from(text).length;
      var from = Math.max(start - at, 0), to = Math.min(end - at, len);
      at += len;
      if (to <= 0 || from >= len) continue;
      var part = node.splitText(utf16(text, from));
      part.splitText(utf16(part.data, to - from));
      // A run inside another comment's words carries both ids, as the
      // server's marks will (data-comments, space-separated).
      var outer = part.parentElement.closest("mark.anchor");
      var ids = outer ? outer.getAttribute("data-comments") + " " + id : id;
      var mark = document.createElement("mark");
      mark.className = "anchor";
      mark.setAttribute("data-comments", ids);
      part.parentNode.replaceChild(mark, part);
      mark.appendChild(part);
    }
  }
})();
