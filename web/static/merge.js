// The merge page: counts the conflicts still without a choice as the
// editor settles them. The page works without it (the server refuses a
// save with a conflict left and says which).
(function () {
  "use strict";
  const form = document.getElementById("merge-form");
  const out = document.getElementById("conflicts-left");
  if (!form || !out) return;
  const conflicts = Array.from(form.querySelectorAll("fieldset.conflict"));
  // The sentences come from the page, in its language: "{n} conflicts
  // left" in each plural form the language has, chosen as CLDR says.
  let forms = {};
  try { forms = JSON.parse(out.getAttribute("data-left") || "{}"); } catch (e) { forms = {}; }
  const rules = new Intl.PluralRules(document.documentElement.lang || "en");
  function leftText(n) {
    const form = forms[rules.select(n)] || forms.other || "{n}";
    return form.replace("{n}", String(n));
  }
  function update() {
    let left = 0;
    for (const c of conflicts) {
      const settled = c.querySelector('input[type="radio"]:checked') !== null;
      c.classList.toggle("settled", settled);
      if (!settled) left++;
    }
    out.textContent = left === 0 ? out.getAttribute("data-done") : leftText(left);
    out.classList.toggle("done", left === 0);
  }
  form.addEventListener("change", function (e) {
    if (e.target.type !== "radio") return;
    update();
    if (e.target.value === "edit") {
      const box = document.getElementById("text-" + e.target.name.slice("choice-".length));
      if (box) box.focus();
    }
  });
  update();
})();
