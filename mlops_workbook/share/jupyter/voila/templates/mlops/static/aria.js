/* ARIA for ipywidgets 8's controls, which set none: names, roles and states a screen reader announces,
   and the keyboard patterns that go with them. Runs on every change of the page (widgets render late
   and re-render), sets an attribute only when its value changes, and needs nothing from the network.

   - ToggleButtons: a radiogroup named by its description, or by the `mw-label` widget beside it in its
     row (the assessment's criterion text); each button a radio with aria-checked; one tab stop per
     group; arrow keys, Home and End move and choose (as a radio group does).
   - Sliders: the handle (role=slider) named by the slider's description.
   - Accordion headers: focusable buttons with aria-expanded; Enter or Space opens and closes them.
   - Icons: hidden from screen readers (the text beside them says it).
   - A scroll region with nothing to focus gets a tab stop, so the keyboard can scroll it. */
(function () {
  "use strict";
  var counter = 0;
  function set(el, name, value) {
    if (el.getAttribute(name) !== value) { el.setAttribute(name, value); }
  }
  function idOf(el) {
    if (!el.id) { counter += 1; el.id = "mw-aria-" + counter; }
    return el.id;
  }
  function visibleText(label) {
    return label && label.style.display !== "none" && label.textContent.trim() !== "";
  }
  function groupLabel(group) {
    var own = group.querySelector(":scope > label.widget-label");
    if (visibleText(own)) { return own; }
    var row = group.parentElement;
    return row ? row.querySelector(":scope > .mw-label .widget-html-content, :scope > .mw-label") : null;
  }
  function radios(group) {
    return Array.prototype.slice.call(group.querySelectorAll("button.widget-toggle-button"));
  }
  function toggleButtons(group) {
    set(group, "role", "radiogroup");
    var label = groupLabel(group);
    if (label) { set(group, "aria-labelledby", idOf(label)); }
    var buttons = radios(group);
    var checked = buttons.filter(function (b) { return b.classList.contains("mod-active"); });
    var stop = checked.length ? checked[0] : buttons[0];
    buttons.forEach(function (b) {
      set(b, "role", "radio");
      set(b, "aria-checked", b.classList.contains("mod-active") ? "true" : "false");
      set(b, "tabindex", b === stop ? "0" : "-1");
      var icon = b.querySelector("i");
      if (icon) { set(icon, "aria-hidden", "true"); }
    });
    if (!group.dataset.mwKeys) {
      group.dataset.mwKeys = "1";
      group.addEventListener("keydown", function (event) {
        var all = radios(group), at = all.indexOf(document.activeElement), to = -1;
        if (at < 0) { return; }
        if (event.key === "ArrowRight" || event.key === "ArrowDown") { to = (at + 1) % all.length; }
        else if (event.key === "ArrowLeft" || event.key === "ArrowUp") { to = (at - 1 + all.length) % all.length; }
        else if (event.key === "Home") { to = 0; }
        else if (event.key === "End") { to = all.length - 1; }
        if (to < 0) { return; }
        event.preventDefault();
        all[to].focus();
        all[to].click();
      });
    }
  }
  function slider(widget) {
    var label = widget.querySelector(":scope > label.widget-label");
    if (!visibleText(label)) { return; }
    widget.querySelectorAll("[role=slider]").forEach(function (handle) {
      set(handle, "aria-labelledby", idOf(label));
    });
    var readout = widget.querySelector(".widget-readout");
    if (readout) { set(readout, "aria-labelledby", idOf(label)); set(readout, "role", "textbox"); }
  }
  function accordionHeader(header) {
    set(header, "role", "button");
    set(header, "tabindex", "0");
    var collapse = header.parentElement;
    var open = !!collapse && collapse.classList.contains("jupyter-widget-mod-active");
    set(header, "aria-expanded", open ? "true" : "false");
    header.querySelectorAll("i.fa").forEach(function (icon) { set(icon, "aria-hidden", "true"); });
    if (!header.dataset.mwKeys) {
      header.dataset.mwKeys = "1";
      header.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); header.click(); }
      });
    }
  }
  var FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1']), [contenteditable]";
  function scrollRegion(region) {
    if (!region.querySelector(FOCUSABLE)) { set(region, "tabindex", "0"); }
    else if (region.getAttribute("tabindex") === "0") { region.removeAttribute("tabindex"); }
  }
  function enhance() {
    document.querySelectorAll(".widget-toggle-buttons").forEach(toggleButtons);
    document.querySelectorAll(".widget-slider, .widget-hslider, .widget-vslider").forEach(slider);
    document.querySelectorAll(".jupyter-widget-Collapse-header").forEach(accordionHeader);
    document.querySelectorAll(".widget-button i.fa, .jupyter-button > i").forEach(function (icon) {
      set(icon, "aria-hidden", "true");
    });
    var cells = document.getElementById("rendered_cells");
    if (cells) { set(cells, "role", "main"); scrollRegion(cells); }
  }
  var pending = false;
  function schedule() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; enhance(); });
  }
  new MutationObserver(schedule).observe(document.documentElement,
    { childList: true, subtree: true, attributes: true, attributeFilter: ["class", "style"] });
  schedule();
})();
