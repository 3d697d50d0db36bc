// Search as you type: ask the API after a short pause and redraw the hits
// and the facets (whose links and counts belong to the query typed now).
// The chosen facets live in the form's hidden fields, so typing keeps
// them; "Load more" appends the next page; a document's other matches
// load when their <details> opens. Snippets come from the server already
// escaped, with matches in <mark>; everything else is set as text.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-q");
  var results = document.getElementById("results");
  var facets = document.getElementById("facets");
  if (!form || !input || !results) return;
  var timer = null, seq = 0;
  var labels = {};
  try { labels = JSON.parse((facets && facets.getAttribute("data-labels")) || "{}"); } catch (e) { labels = {}; }
  // The sentences come from the page, in its language (#search-strings).
  var strings = {};
  try { strings = JSON.parse(document.getElementById("search-strings").textContent); } catch (e) { strings = {}; }
  var names = strings.facets || {};
  var facetNames = ["kind", "status", "language", "year"].map(function (f) { return [f, names[f] || f]; });
  var rules = new Intl.PluralRules(document.documentElement.lang || "en");
  var PAGE = 20;
  // state: the query the hits shown answer, how many are shown, the total.
  var state = {q: input.value.trim(), matched: input.value.trim(), shown: 0, total: 0};

  function plural(forms, n) {
    forms = forms || {};
    return (forms[rules.select(n)] || forms.other || "{n}").replace("{n}", String(n));
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function label(name, value) {
    return (labels[name] && labels[name][value]) || value;
  }

  // chosen returns the facet values (and group, document) the form keeps.
  function chosen() {
    var out = {};
    form.querySelectorAll("input[type=hidden][data-facet]").forEach(function (h) { out[h.name] = h.value; });
    return out;
  }

  function grouped() { return chosen().group !== "article"; }

  function params(q, extra) {
    var p = new URLSearchParams();
    p.set("q", q);
    var c = chosen();
    Object.keys(c).forEach(function (k) { p.set(k, c[k]); });
    Object.keys(extra || {}).forEach(function (k) {
      if (extra[k] === null) p.delete(k); else p.set(k, extra[k]);
    });
    return p;
  }

  // withHighlight adds ?hl= to a document's link so that the page marks
  // the words there.
  function withHighlight(h, words) {
    if (h.type !== "document" || !words) return h.url;
    var i = h.url.indexOf("#");
    var base = i < 0 ? h.url : h.url.slice(0, i), hash = i < 0 ? "" : h.url.slice(i);
    return base + "?hl=" + encodeURIComponent(words) + hash;
  }

  function drawFacets(q, data) {
    if (!facets) return;
    facets.textContent = "";
    var c = chosen();
    facetNames.forEach(function (f) {
      var counts = (data.facets && data.facets[f[0]]) || {};
      var values = Object.keys(counts).filter(function (v) { return counts[v] > 0; });
      if (!values.length && !c[f[0]]) return;
      values.sort(function (a, b) { return counts[b] - counts[a] || (a < b ? -1 : a > b ? 1 : 0); });
      var sec = el("section", "facet");
      sec.setAttribute("data-facet", f[0]);
      var h2 = el("h2", "", f[1]);
      if (c[f[0]]) {
        var clear = el("a", "facet-clear small", strings.clear);
        clear.href = "/search?" + params(q, (function () { var o = {}; o[f[0]] = null; return o; })()).toString();
        h2.appendChild(document.createTextNode(" "));
        h2.appendChild(clear);
      }
      sec.appendChild(h2);
      var ul = el("ul");
      values.forEach(function (v) {
        var li = el("li"), a = el("a", "", label(f[0], v));
        var extra = {};
        extra[f[0]] = c[f[0]] === v ? null : v;
        a.href = "/search?" + params(q, extra).toString();
        if (c[f[0]] === v) { a.className = "selected"; a.setAttribute("aria-current", "true"); }
        li.appendChild(a);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("span", "muted", String(counts[v])));
        ul.appendChild(li);
      });
      sec.appendChild(ul);
      facets.appendChild(sec);
    });
  }

  function moreMatches(h, words) {
    var d = el("details", "more-matches");
    d.setAttribute("data-document", String(h.document_id));
    d.setAttribute("data-best", h.id);
    d.setAttribute("data-q", words);
    d.appendChild(el("summary", "", plural(strings.more, h.more)));
    var p = el("p"), a = el("a", "", strings.showAll);
    a.href = "/search?" + new URLSearchParams({q: words, document: String(h.document_id), group: "article"}).toString();
    p.appendChild(a);
    d.appendChild(p);
    return d;
  }

  function hitElement(h, words) {
    var art = el("article", "hit hit-" + h.type);
    var h3 = el("h3"), a = el("a", "", h.title);
    a.href = withHighlight(h, words);
    h3.appendChild(a);
    if (h.heading) h3.appendChild(el("span", "muted", " — " + h.heading));
    art.appendChild(h3);
    var what = h.type === "comment" ? strings.comment : h.type === "attachment" ? strings.attachment : label("kind", h.kind);
    art.appendChild(el("p", "muted small", [what, label("language", h.language), label("status", h.status), h.year].join(" · ")));
    var p = el("p", "snippet");
    if (h.language) p.lang = h.language;
    p.innerHTML = h.snippet; // escaped by the server; only <mark> added
    art.appendChild(p);
    if (h.more > 0) art.appendChild(moreMatches(h, words));
    return art;
  }

  function loadMoreButton() {
    var old = document.getElementById("load-more");
    if (old) old.parentNode.remove();
    if (state.shown >= state.total) return;
    var p = el("p"), b = el("button", "secondary", strings.loadMore);
    b.type = "button";
    b.id = "load-more";
    b.addEventListener("click", loadMore);
    p.appendChild(b);
    results.appendChild(p);
  }

  function draw(q, data) {
    results.textContent = "";
    state.matched = data.relaxed ? data.relaxed_query : q;
    if (data.relaxed) {
      var note = el("p", "notice relaxed", (strings.relaxed || "").replace("{q}", data.relaxed_query) + " ");
      note.id = "relaxed";
      note.setAttribute("role", "status");
      note.appendChild(el("span", "muted", (strings.dropped || "").replace("{w}", data.relaxed.join(" "))));
      results.appendChild(note);
    }
    var count = el("p", "muted", plural(grouped() ? strings.documents : strings.results, data.total));
    count.id = "result-count";
    results.appendChild(count);
    var list = el("div");
    list.id = "hits";
    data.hits.forEach(function (h) { list.appendChild(hitElement(h, state.matched)); });
    results.appendChild(list);
    if (!data.hits.length) list.appendChild(el("p", "empty", strings.nothing));
    state.q = q;
    state.shown = data.hits.length;
    state.total = data.total;
    loadMoreButton();
    drawFacets(state.matched, data);
  }

  function api(p) {
    if (!p.has("group")) p.set("group", "document");
    return fetch("/api/v1/search?" + p.toString(), {credentials: "same-origin"}).then(function (r) { return r.json(); });
  }

  function loadMore(ev) {
    if (ev) ev.preventDefault();
    var mine = seq;
    api(params(state.q, {limit: String(PAGE), offset: String(state.shown)})).then(function (data) {
      if (mine !== seq || !data.hits) return;
      var list = document.getElementById("hits");
      data.hits.forEach(function (h) { list.appendChild(hitElement(h, state.matched)); });
      state.shown += data.hits.length;
      state.total = data.total;
      if (!data.hits.length) state.shown = state.total;
      loadMoreButton();
    }).catch(function () {});
  }

  // A document's other matches, loaded when its <details> opens.
  results.addEventListener("toggle", function (ev) {
    var d = ev.target;
    if (!d.classList || !d.classList.contains("more-matches") || !d.open || d.getAttribute("data-loaded")) return;
    d.setAttribute("data-loaded", "1");
    var words = d.getAttribute("data-q") || state.matched;
    var p = new URLSearchParams({q: words, document: d.getAttribute("data-document"), group: "article", limit: "100"});
    fetch("/api/v1/search?" + p.toString(), {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (!data.hits) return;
        var ul = el("ul", "more-list");
        data.hits.forEach(function (h) {
          if (h.id === d.getAttribute("data-best")) return;
          var li = el("li"), a = el("a", "", h.heading || h.title);
          a.href = withHighlight(h, words);
          li.appendChild(a);
          var s = el("div", "snippet small");
          s.innerHTML = h.snippet; // escaped by the server; only <mark> added
          li.appendChild(s);
          ul.appendChild(li);
        });
        var link = d.querySelector("p");
        if (link) link.remove();
        d.appendChild(ul);
      })
      .catch(function () { d.removeAttribute("data-loaded"); });
  }, true);

  // The server-rendered page: its "Load more" link becomes the button.
  (function () {
    state.matched = results.getAttribute("data-matched") || state.q;
    state.total = Number(results.getAttribute("data-total") || 0);
    var link = document.getElementById("load-more");
    if (!link) return;
    state.shown = Number(new URL(link.href).searchParams.get("offset") || 0);
    link.addEventListener("click", loadMore);
  })();

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim(), mine = ++seq;
      if (q.length < 2) return;
      api(params(q, {limit: String(PAGE)}))
        .then(function (data) {
          if (mine !== seq || !data.hits) return;
          draw(q, data);
          var p = params(q);
          history.replaceState(null, "", "/search?" + p.toString());
        })
        .catch(function () {});
    }, 200);
  });
})();
