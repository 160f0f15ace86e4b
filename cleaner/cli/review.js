/* cleaner review: the filter by rule and category. The page reads fully without it. */
(function () {
  "use strict";
  var root = document.documentElement;
  var panel = document.getElementById("filter");
  if (!panel) { return; }
  var form = panel.querySelector("form");
  var rule = form.elements.rule, cat = form.elements.cat, changed = form.elements.changed;
  var status = document.getElementById("filter-status");
  var docs = Array.prototype.slice.call(document.querySelectorAll("article.doc"));

  function has(el, name, value) {
    var v = el.getAttribute(name);
    return !!v && v.split(" ").indexOf(value) >= 0;
  }

  function apply() {
    var r = rule.value, c = cat.value, only = changed.checked;
    var active = !!(r || c || only);
    var lines = 0, inDocs = 0;
    docs.forEach(function (doc) {
      var found = 0;
      Array.prototype.forEach.call(doc.querySelectorAll("li.line"), function (li) {
        var ok = (!r || has(li, "data-rules", r)) && (!c || has(li, "data-cats", c)) &&
          (!only || li.classList.contains("drop") || li.classList.contains("trim"));
        li.hidden = active && !ok;
        if (ok) { found += 1; }
      });
      doc.hidden = active && found === 0;
      if (active && found) { lines += found; inDocs += 1; }
    });
    var state = new URLSearchParams();
    if (r) { state.set("rule", r); }
    if (c) { state.set("cat", c); }
    if (only) { state.set("changed", "1"); }
    root.setAttribute("data-filter", active ? state.toString() : "none");
    try {  /* the filter is in the address, to share or reload */
      history.replaceState(null, "", (active ? "?" + state.toString() : location.pathname) + location.hash);
    } catch (e) { /* some browsers refuse it on file:// */ }
    root.setAttribute("data-filter-matches", active ? String(lines) : "");
    status.value = active
      ? lines + (lines === 1 ? " line" : " lines") + " in " + inDocs + " of " + docs.length + " documents"
      : "Showing every line of " + docs.length + " documents";
  }

  function choose(select, value) {
    select.value = value;
    apply();
    panel.scrollIntoView();
    select.focus();
  }

  function addButtons(selector, attr, select, label) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), function (row) {
      var value = row.getAttribute(attr);
      var cell = row.querySelector("td") || row;
      if (!value) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "filter-btn";
      button.textContent = "filter";
      button.setAttribute("aria-label", label + " " + value);
      button.addEventListener("click", function () { choose(select, value); });
      cell.appendChild(button);
    });
  }

  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  addButtons("[data-rule]", "data-rule", rule, "Show only the lines of");
  addButtons("[data-cat]", "data-cat", cat, "Show only the lines in category");
  window.addEventListener("hashchange", function () {
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.closest("[hidden]")) { form.reset(); apply(); target.scrollIntoView(); }
  });
  var asked = new URLSearchParams(location.search);
  rule.value = asked.get("rule") || "";
  cat.value = asked.get("cat") || "";
  changed.checked = asked.get("changed") === "1";
  panel.hidden = false;
  apply();
  root.setAttribute("data-js", "ready");
}());
