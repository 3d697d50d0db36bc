// The comment margin of the review pages, in the manner of a word
// processor: each comment card sits beside the words it is anchored to
// (mark.anchor[data-comments~="comment-N"]), words and card highlight each
// other, next/previous comment (keys j/k; n/p step through changes) and
// client-side filters. At 760 px and narrower the cards are listed under
// their article instead. comment-box.js opens the comment form at a
// selection through window.PolicyDeskMargin. Without JavaScript the plain
// form and list work on their own.
(function () {
  "use strict";

  var pane = document.getElementById("margin");
  var box = document.getElementById("margin-cards");
  if (!pane || !box) return;
  var red = document.getElementById("redline");
  var inline = !!(red && red.classList.contains("redline"));
  var phone = window.matchMedia("(max-width: 760px)");
  var form = document.getElementById("comment-form");
  var elsewhere = document.getElementById("margin-elsewhere");
  var GAP = 10;
  // The page's words for what this script writes, in the reader's language
  // (data-text on the margin, from the server's catalog).
  var text = {commentRef: "comment {n}", commentsOn: "Comments on {article}", showing: "Showing {n} of {total} comments."};
  try { text = JSON.parse(pane.getAttribute("data-text")) || text; } catch (e) { /* keep the English */ }
  function say(key, vals) {
    return text[key].replace(/\{(\w+)\}/g, function (m, k) { return k in vals ? vals[k] : m; });
  }

  var cards = Array.prototype.slice.call(box.querySelectorAll("article.comment"));
  var active = null; // the card placed exactly at its words
  var pending = null; // the selected words the open form comments on

  pane.classList.add("margin-js");
  if (inline) pane.classList.add("margin-inline");
  document.getElementById("margin-tools").hidden = false;
  ["prev-comment", "next-comment", "c-cancel"].forEach(function (id) {
    var el = document.getElementById(id);
    if (el) el.hidden = false;
  });

  function marksOf(card) {
    return red ? red.querySelectorAll('mark.anchor[data-comments~="' + card.id + '"]') : [];
  }
  function cardsOf(mark) {
    return (mark.getAttribute("data-comments") || "").split(/\s+/).map(function (id) {
      return document.getElementById(id);
    }).filter(function (c) { return c && c.classList.contains("comment"); });
  }
  function shown(card) { return !card.classList.contains("is-filtered"); }

  // Cards whose words are not in the text shown go to the list at the top.
  var placed = cards.filter(function (card) {
    if (inline && marksOf(card).length) return true;
    card.setAttribute("data-unplaced", "1");
    return false;
  });
  if (inline) {
    cards.forEach(function (card) {
      if (card.hasAttribute("data-unplaced")) elsewhere.appendChild(card);
    });
    elsewhere.hidden = placed.length === cards.length;
    placed.forEach(function (card) {
      var first = marksOf(card)[0];
      if (!first.hasAttribute("tabindex")) {
        first.tabIndex = 0;
        first.setAttribute("aria-label", first.textContent + " (" + say("commentRef", {n: card.id.replace("comment-", "#")}) + ")");
      }
    });
  }

  // --- Layout ------------------------------------------------------------

  function rangeTop(r) {
    var rects = r.getClientRects();
    return rects.length ? rects[0].top : r.getBoundingClientRect().top;
  }

  // place sets each item's top: the active one exactly at its words, the
  // ones after it pushed down, the ones before it pushed up, none above 0.
  function place(items, at) {
    var n = items.length, tops = items.map(function (it) { return it.want; });
    var h = items.map(function (it) { return it.el.offsetHeight; });
    var k = at < 0 ? 0 : at;
    if (n) tops[k] = Math.max(0, tops[k]);
    for (var i = k + 1; i < n; i++) tops[i] = Math.max(tops[i], tops[i - 1] + h[i - 1] + GAP);
    for (i = k - 1; i >= 0; i--) tops[i] = Math.min(tops[i], tops[i + 1] - h[i] - GAP);
    if (n && tops[0] < 0) {
      tops[0] = 0;
      for (i = 1; i < n; i++) tops[i] = Math.max(tops[i], tops[i - 1] + h[i - 1] + GAP);
    }
    var bottom = 0;
    items.forEach(function (it, i) {
      it.el.style.top = tops[i] + "px";
      bottom = Math.max(bottom, tops[i] + h[i]);
    });
    box.style.height = bottom + "px";
  }

  function layoutMargin() {
    var origin = box.getBoundingClientRect().top;
    var items = placed.filter(shown).map(function (card) {
      if (card.parentNode !== box) box.appendChild(card);
      return {el: card, want: marksOf(card)[0].getBoundingClientRect().top - origin};
    });
    if (form && form.classList.contains("is-open")) {
      if (form.parentNode !== box) box.appendChild(form);
      // At the selection, or at the top of the screen without one.
      items.push({el: form, want: pending ? rangeTop(pending) - origin : Math.max(0, 16 - origin)});
    }
    items.sort(function (a, b) { return a.want - b.want; });
    var lead = form && form.classList.contains("is-open") ? form : active;
    place(items, items.findIndex(function (it) { return it.el === lead; }));
  }

  // listUnder is the list after an article's section, made when first needed.
  function listUnder(section) {
    var next = section.nextElementSibling;
    if (next && next.classList.contains("art-comments")) return next;
    var list = document.createElement("div");
    list.className = "art-comments";
    list.setAttribute("role", "group");
    list.setAttribute("aria-label", say("commentsOn", {article: (section.querySelector(".art-head") || section).textContent.trim()}));
    section.parentNode.insertBefore(list, next);
    return list;
  }

  function layoutPhone() {
    box.style.height = "";
    placed.forEach(function (card) {
      card.style.top = "";
      listUnder(marksOf(card)[0].closest("section")).appendChild(card);
    });
    if (form && form.classList.contains("is-open")) {
      form.style.top = "";
      var at = pending && pending.startContainer.parentElement.closest("section");
      if (at) {
        var list = listUnder(at);
        list.insertBefore(form, list.firstChild);
      } else if (form.parentNode !== pane) {
        pane.insertBefore(form, box);
      }
    }
  }

  var framed = false;
  function layout() {
    if (!inline || framed) return;
    framed = true;
    requestAnimationFrame(function () {
      framed = false;
      pane.classList.toggle("margin-phone", phone.matches);
      if (phone.matches) layoutPhone(); else layoutMargin();
    });
  }
  function layoutNow() {
    pane.classList.toggle("margin-phone", phone.matches);
    if (inline) (phone.matches ? layoutPhone : layoutMargin)();
  }

  window.addEventListener("resize", layout);
  if (phone.addEventListener) phone.addEventListener("change", layout);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(layout);
  window.addEventListener("load", layout);
  if (window.ResizeObserver) {
    var watch = new ResizeObserver(layout);
    cards.forEach(function (c) { watch.observe(c); });
    if (red) watch.observe(red);
    if (form) watch.observe(form);
  }

  // --- Words and cards highlight each other ----------------------------

  function link(card, on) {
    card.classList.toggle("is-linked", on);
    Array.prototype.forEach.call(marksOf(card), function (m) { m.classList.toggle("is-linked", on); });
  }
  function hoverOrFocus(e, on) {
    var t = e.target.closest ? e.target : e.target.parentElement;
    if (!t) return;
    var mark = t.closest("mark.anchor"), card = t.closest("article.comment");
    if (mark) cardsOf(mark).forEach(function (c) { link(c, on); });
    if (card) link(card, on || card.contains(document.activeElement));
  }
  document.addEventListener("mouseover", function (e) { hoverOrFocus(e, true); });
  document.addEventListener("mouseout", function (e) { hoverOrFocus(e, false); });
  document.addEventListener("focusin", function (e) { hoverOrFocus(e, true); });
  document.addEventListener("focusout", function (e) { hoverOrFocus(e, false); });

  // goTo brings a card into view beside its words and focuses it.
  function goTo(card) {
    if (active) active.classList.remove("is-active");
    active = card;
    card.classList.add("is-active");
    layoutNow();
    card.focus({preventScroll: true});
    link(card, true);
    var r = card.getBoundingClientRect();
    if (r.top < 0 || r.bottom > window.innerHeight) card.scrollIntoView({block: r.height > window.innerHeight ? "start" : "center"});
  }

  document.addEventListener("click", function (e) {
    var mark = e.target.closest && e.target.closest("mark.anchor");
    if (!mark || !window.getSelection().isCollapsed) return;
    var c = cardsOf(mark).filter(shown)[0];
    if (c) goTo(c);
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target.matches && e.target.matches("mark.anchor")) {
      var c = cardsOf(e.target).filter(shown)[0];
      if (c) { e.preventDefault(); goTo(c); }
    }
  });

  // --- Next / previous comment, keys ------------------------------------

  function inOrder() {
    var list = cards.filter(function (c) { return shown(c) && c.hasAttribute("data-unplaced"); });
    return list.concat(placed.filter(shown).sort(function (a, b) {
      return marksOf(a)[0].compareDocumentPosition(marksOf(b)[0]) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    }));
  }
  function step(by) {
    var list = inOrder();
    if (!list.length) return;
    var at = list.indexOf(active || document.activeElement.closest && document.activeElement.closest("article.comment"));
    goTo(list[at < 0 ? (by > 0 ? 0 : list.length - 1) : (at + by + list.length) % list.length]);
  }
  var nextC = document.getElementById("next-comment"), prevC = document.getElementById("prev-comment");
  if (nextC) nextC.addEventListener("click", function () { step(1); });
  if (prevC) prevC.addEventListener("click", function () { step(-1); });
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    var t = e.target;
    if (t.closest && t.closest("input, textarea, select, [contenteditable]")) return;
    var click = {j: "next-comment", k: "prev-comment", n: "next-change", p: "prev-change"}[e.key];
    if (!click || !document.getElementById(click)) return;
    e.preventDefault();
    document.getElementById(click).click();
  });

  // --- Filters -----------------------------------------------------------

  var tests = {
    open: function (c) { return c.getAttribute("data-status") === "open"; },
    mine: function (c) { return c.getAttribute("data-mine") === "1"; },
    undecided: function (c) { return !c.getAttribute("data-decision"); },
    outdated: function (c) { return c.hasAttribute("data-outdated") || c.hasAttribute("data-unplaced"); }
  };
  var boxes = Array.prototype.slice.call(document.querySelectorAll("#margin-filters input[type=checkbox]"));

  // busy: the user is in this card or has typed into one of its fields.
  function busy(c) {
    var f = document.activeElement;
    if (f && f !== c && c.contains(f) && f.matches("input, textarea, select")) return true;
    return Array.prototype.some.call(c.querySelectorAll("input:not([type=hidden]), textarea"), function (f) {
      return f.value !== f.defaultValue;
    });
  }
  function filter() {
    var on = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
    var n = 0;
    cards.forEach(function (c) {
      var keep = busy(c) || on.every(function (k) { return tests[k](c); });
      c.classList.toggle("is-filtered", !keep);
      c.hidden = !keep;
      if (keep) n++;
    });
    boxes.forEach(function (b) {
      b.parentNode.querySelector(".count").textContent = "(" + cards.filter(tests[b.value]).length + ")";
    });
    document.getElementById("margin-shown").textContent = on.length ? say("showing", {n: n, total: cards.length}) : "";
    if (inline) elsewhere.hidden = !cards.some(function (c) { return shown(c) && c.hasAttribute("data-unplaced"); });
    layout();
  }
  boxes.forEach(function (b) { b.addEventListener("change", filter); });
  filter();

  window.PolicyDeskMargin = {
    layout: layoutNow,
    goTo: goTo,
    // open shows the comment form at the range r (null: at the top of the screen).
    open: function (r) { pending = r; form.classList.add("is-open"); layoutNow(); },
    close: function () {
      pending = null;
      form.classList.remove("is-open");
      form.style.top = "";
      layoutNow();
    }
  };
})();
