// The comment box of the review pages: a selection in the proposed text
// (by mouse, keyboard or touch) fills the comment form's quote with some
// context before and after (deleted words excluded) and opens the form
// beside it, the words staying highlighted while the reviewer types. After
// a comment, reply or decision the page comes back with the card where it
// was on the screen and the server's notice beside it. Needs margin.js.
(function () {
  "use strict";

  var M = window.PolicyDeskMargin;
  var form = document.getElementById("comment-form");
  var HL = "pending-comment";
  var KEY = "policydesk-return";

  // --- Coming back after an action --------------------------------------

  // Before a form inside the margin is sent, remember where its card (or
  // the selected words, for a new comment) was on the screen.
  document.addEventListener("submit", function (e) {
    var f = e.target, card = f.closest && f.closest("article.comment");
    if (!card && f !== form) return;
    var top = card ? card.getBoundingClientRect().top : f.getBoundingClientRect().top;
    try {
      sessionStorage.setItem(KEY, JSON.stringify({path: location.pathname, id: card ? card.id : "", top: top, at: Date.now()}));
    } catch (err) { /* private mode: the page still comes back to the card */ }
  });

  function comeBack() {
    var id = location.hash.slice(1), card = id && document.getElementById(id);
    var status = document.getElementById("action-status");
    if (!card || !card.classList.contains("comment")) {
      if (status) status.scrollIntoView({block: "nearest"});
      return;
    }
    var saved = null;
    try { saved = JSON.parse(sessionStorage.getItem(KEY) || "null"); sessionStorage.removeItem(KEY); } catch (err) { saved = null; }
    if (status) card.insertBefore(status, card.children[1] || null);
    if (M) M.goTo(card); else card.focus();
    if (saved && saved.path === location.pathname && (saved.id === "" || saved.id === id) && Date.now() - saved.at < 120000) {
      var top = Math.min(Math.max(saved.top, 8), window.innerHeight - 80);
      window.scrollBy(0, card.getBoundingClientRect().top - top);
    }
    // The notice has been shown: a reload should not say it again.
    if (history.replaceState && location.search.indexOf("notice=") >= 0) {
      var q = location.search.slice(1).split("&").filter(function (p) { return !/^(notice|version)=/.test(p); }).join("&");
      history.replaceState(history.state, "", location.pathname + (q ? "?" + q : "") + location.hash);
    }
  }
  if (document.readyState === "complete") comeBack(); else window.addEventListener("load", comeBack);

  if (!form) return;
  var quote = document.getElementById("c-quote"), prefix = document.getElementById("c-prefix"), suffix = document.getElementById("c-suffix");
  var body = document.getElementById("c-body");

  // --- The selected words stay highlighted -------------------------------

  var wrapped = [];
  function highlight(range) {
    unhighlight();
    if (window.CSS && CSS.highlights && window.Highlight) {
      CSS.highlights.set(HL, new Highlight(range));
      return;
    }
    // Older browsers: wrap the selected runs of text in spans.
    var nodes = [], walk = document.createTreeWalker(range.commonAncestorContainer.nodeType === 1 ? range.commonAncestorContainer : range.commonAncestorContainer.parentNode, NodeFilter.SHOW_TEXT);
    for (var n = walk.nextNode(); n; n = walk.nextNode()) if (range.intersectsNode(n) && !n.parentElement.closest("del")) nodes.push(n);
    nodes.forEach(function (t) {
      var from = t === range.startContainer ? range.startOffset : 0, to = t === range.endContainer ? range.endOffset : t.data.length;
      if (to <= from) return;
      var part = t.splitText(from);
      part.splitText(to - from);
      var span = document.createElement("span");
      span.className = HL;
      part.parentNode.replaceChild(span, part);
      span.appendChild(part);
      wrapped.push(span);
    });
  }
  function unhighlight() {
    if (window.CSS && CSS.highlights) CSS.highlights.delete(HL);
    wrapped.forEach(function (s) {
      var p = s.parentNode;
      while (s.firstChild) p.insertBefore(s.firstChild, s);
      p.removeChild(s);
      p.normalize();
    });
    wrapped = [];
  }

  // --- A selection becomes the quote -------------------------------------

  // Text of a fragment as the newer version has it: deleted words removed.
  function newerText(fragment) {
    var dels = fragment.querySelectorAll("del, .art-head, .art-comments");
    for (var i = 0; i < dels.length; i++) dels[i].parentNode.removeChild(dels[i]);
    return fragment.textContent;
  }

  // scopeOf is the article (or the proposed cell of the table) a node is
  // in, or null outside the proposed text.
  function scopeOf(node) {
    var el = node.nodeType === 1 ? node : node.parentElement;
    if (!el || el.closest(".art-comments, form, .comment")) return null;
    var s = el.closest("section.art") || el.closest("td.proposed");
    return s && s.closest("[data-quote-scope]") ? s : null;
  }

  // take fills the form from the current selection and opens it there;
  // false when the selection is not words of the proposed text.
  function take() {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return false;
    var range = sel.getRangeAt(0);
    var scope = scopeOf(range.startContainer);
    if (!scope || scopeOf(range.endContainer) !== scope) return false;
    var q = newerText(range.cloneContents());
    if (!q.trim()) return false;
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
    var kept = range.cloneRange();
    highlight(kept);
    if (M) M.open(kept);
    return true;
  }

  // A mouse selection is done when the button is released: the reviewer
  // writes at once. Keyboard and touch selections change step by step, so
  // the form follows them without taking the focus.
  document.addEventListener("mouseup", function (e) {
    if (e.button === 0 && take()) body.focus({preventScroll: true});
  });
  var timer = 0;
  function later() {
    clearTimeout(timer);
    timer = setTimeout(take, 250);
  }
  document.addEventListener("selectionchange", later);
  document.addEventListener("touchend", later);
  document.addEventListener("keyup", function (e) {
    if (e.shiftKey && !(e.target.closest && e.target.closest("input, textarea, select"))) later();
  });

  function close() {
    unhighlight();
    form.classList.remove("has-quote");
    if (M) M.close();
  }
  var cancel = document.getElementById("c-cancel");
  if (cancel) cancel.addEventListener("click", function () {
    quote.value = prefix.value = suffix.value = "";
    close();
  });
  form.addEventListener("keydown", function (e) { if (e.key === "Escape") { close(); e.stopPropagation(); } });
  var opener = document.getElementById("c-open");
  if (opener) opener.addEventListener("click", function () {
    if (M) M.open(null);
    quote.focus();
  });

  // A refused comment comes back with the words and the message: show it.
  if (form.querySelector('[aria-invalid="true"], .form-error') || quote.value) {
    if (M) M.open(null);
    var bad = form.querySelector('[aria-invalid="true"]') || body;
    bad.focus({preventScroll: true});
    form.scrollIntoView({block: "center"});
  }
})();
