// Small behaviours shared by every page. No inline scripts, so a strict CSP can hold.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

// Wide tables: a table that overflows its box gets a visible hint, keyboard focus (so it can be
// scrolled without a mouse) and a sticky first column (CSS); the shadow goes once the end is reached.
// Tabs that scroll (the public sub-menu) show an arrow on the side where more tabs lie.
(function () {
  function markTables(root) {
    var hintText = (document.getElementById("noi-dung") || document.body).dataset.scrollHint || "→";
    root.querySelectorAll(".table-responsive").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      var hint = box.nextElementSibling;
      if (!hint || !hint.classList.contains("ct-scroll-hint")) {
        if (!scrolls) { return; }
        hint = document.createElement("p");
        hint.className = "ct-scroll-hint";
        hint.setAttribute("aria-hidden", "true");
        hint.dataset.testid = "scroll-hint";
        hint.textContent = hintText;
        box.parentNode.insertBefore(hint, box.nextSibling);
        box.addEventListener("scroll", function () { edge(box); }, { passive: true });
      }
      box.classList.toggle("ct-scrolls", scrolls);
      if (scrolls) {
        box.tabIndex = 0;
        if (!box.hasAttribute("role")) { box.setAttribute("role", "region"); }
        if (!box.hasAttribute("aria-label")) { box.setAttribute("aria-label", hintText); }
      } else {
        box.removeAttribute("tabindex");
      }
      edge(box);
    });
  }
  function edge(box) {
    box.classList.toggle("ct-scrolled-end", box.scrollLeft + box.clientWidth >= box.scrollWidth - 2);
  }
  function markTabs(root) {
    root.querySelectorAll(".ct-portal-nav").forEach(function (nav) {
      var wrap = nav.parentNode;
      if (!wrap.classList.contains("ct-tabs-wrap")) {
        wrap = document.createElement("div");
        wrap.className = "ct-tabs-wrap";
        wrap.dataset.testid = "tabs-wrap";
        nav.parentNode.insertBefore(wrap, nav);
        wrap.appendChild(nav);
        nav.addEventListener("scroll", function () { tabEdges(nav, wrap); }, { passive: true });
        var current = nav.querySelector(".active");
        if (current && current.scrollIntoView) { current.scrollIntoView({ block: "nearest", inline: "center" }); }
      }
      tabEdges(nav, wrap);
    });
  }
  function tabEdges(nav, wrap) {
    wrap.classList.toggle("ct-more-right", nav.scrollLeft + nav.clientWidth < nav.scrollWidth - 2);
    wrap.classList.toggle("ct-more-left", nav.scrollLeft > 2);
  }
  function run(root) { markTables(root || document); markTabs(root || document); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { run(); });
  } else { run(); }
  window.addEventListener("load", function () { run(); });
  window.addEventListener("resize", function () { run(); });
  document.addEventListener("htmx:afterSettle", function () { run(); });
})();

// File pickers: the browser's own button and "No file chosen" speak the browser's language. The input
// stays in the page (visually hidden, still focusable and labelled); a label styled as a button opens it
// and the chosen file names are shown beside it.
(function () {
  var words = document.getElementById("noi-dung") || document.body;
  var seq = 0;
  function enhance(root) {
    root.querySelectorAll("input[type=file]:not([data-ct-file])").forEach(function (input) {
      input.dataset.ctFile = "1";
      if (!input.id) { input.id = "tep-" + (++seq); }
      input.classList.add("ct-file-input");
      var row = document.createElement("div");
      row.className = "d-flex flex-wrap align-items-center gap-2";
      var button = document.createElement("label");
      button.className = "btn btn-outline-secondary ct-file-button";
      button.htmlFor = input.id;
      button.dataset.testid = "file-button";
      button.textContent = input.dataset.button || words.dataset.fileButton || "…";
      var names = document.createElement("span");
      names.className = "small text-muted text-break";
      names.dataset.testid = "file-names";
      names.setAttribute("aria-live", "polite");
      names.textContent = words.dataset.fileNone || "";
      input.parentNode.insertBefore(row, input.nextSibling);
      row.appendChild(button);
      row.appendChild(names);
      input.addEventListener("change", function () {
        var list = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
        names.textContent = list.length ? list.join(", ") : (words.dataset.fileNone || "");
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  } else { enhance(document); }
  document.addEventListener("htmx:afterSettle", function (e) { enhance(e.target || document); });
})();
