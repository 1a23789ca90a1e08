/**
 * The preview page's only script: filters, search and pagination over the lead data blocks that
 * preview-data.ts writes. It runs before the leads arrive: each block of leads is followed by
 * `OutreachPreview.more()`, which takes it in and shows the first page as soon as it can, so a
 * 100,000-lead preview shows messages while the browser is still reading the file. It renders one
 * page of leads at a time (25) and puts every lead value into the page with `textContent` — never
 * as markup — so nothing from a CSV can run. The page's Content-Security-Policy allows this exact text
 * by hash (document.ts); edit it here only, as plain ES2017 without template literals.
 */
export const PREVIEW_CLIENT = String.raw`(function () {
  "use strict";
  var meta = JSON.parse(document.getElementById("meta").textContent);
  var sched = JSON.parse(document.getElementById("schedule").textContent);
  var PAGE = 25;
  var leads = [];
  var readyIndex = [];
  var readySeen = 0;
  var loading = true;
  var form = document.getElementById("filters");
  var list = document.getElementById("list");
  var count = document.getElementById("count");
  var state = { page: 0, rows: [] };
  var formats = {};

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function when(epochS, zone) {
    var f = formats[zone];
    if (!f) f = formats[zone] = new Intl.DateTimeFormat("en-GB", { timeZone: zone, weekday: "short", year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    return f.format(new Date(epochS * 1000));
  }
  function haystack(lead) {
    if (lead.h === undefined) {
      var parts = [lead.i, lead.u || "", lead.n || "", lead.x || ""];
      (lead.m || []).forEach(function (m) { parts.push(typeof m === "string" ? m : m.map(function (e) { return e[1]; }).join(" ")); });
      lead.h = parts.join("\n").toLowerCase();
    }
    return lead.h;
  }
  function matches(lead, i, f) {
    if (f.status && lead.s !== f.status) return false;
    if (f.account !== "") {
      var k = readyIndex[i];
      if (k < 0 || String(sched.a[k]) !== f.account) return false;
    }
    if (f.step !== "" && !(lead.m && lead.m[Number(f.step)] !== undefined)) return false;
    if (f.q && haystack(lead).indexOf(f.q) < 0) return false;
    return true;
  }
  function filters() {
    return { status: form.status.value, step: form.step.value, account: form.account.value, q: form.q.value.trim().toLowerCase() };
  }
  function apply(resetPage) {
    var f = filters();
    var rows = [];
    for (var i = 0; i < leads.length; i++) if (matches(leads[i], i, f)) rows.push(i);
    state.rows = rows;
    if (resetPage) state.page = 0;
    render(f);
  }
  // Takes in every leads block parsed so far; redraws only while the page on screen is not full.
  function more() {
    var blocks = document.querySelectorAll("script.leads");
    var f = filters();
    var shownBefore = Math.min(PAGE, Math.max(0, state.rows.length - state.page * PAGE));
    for (var b = 0; b < blocks.length; b++) {
      var added = JSON.parse(blocks[b].textContent);
      blocks[b].remove();
      for (var j = 0; j < added.length; j++) {
        var i = leads.length;
        leads.push(added[j]);
        readyIndex.push(added[j].s === "ready" ? readySeen++ : -1);
        if (matches(added[j], i, f)) state.rows.push(i);
      }
    }
    if (shownBefore < PAGE) render(f);
    else showCount();
  }
  function render(f) {
    var pages = Math.max(1, Math.ceil(state.rows.length / PAGE));
    state.page = Math.min(state.page, pages - 1);
    var from = state.page * PAGE;
    var shown = state.rows.slice(from, from + PAGE);
    list.textContent = "";
    shown.forEach(function (i) { list.appendChild(card(leads[i], i, f)); });
    showCount();
  }
  function showCount() {
    var pages = Math.max(1, Math.ceil(state.rows.length / PAGE));
    var from = state.page * PAGE;
    var shown = Math.min(PAGE, state.rows.length - from);
    count.textContent = (state.rows.length === 0 ? (loading ? "" : "No lead matches.") :
      "Leads " + (from + 1) + "–" + (from + shown) + " of " + state.rows.length + " (page " + (state.page + 1) + " of " + pages + ")") +
      (loading ? " · still reading the file…" : "");
    document.getElementById("prev").disabled = state.page === 0;
    document.getElementById("next").disabled = state.page >= pages - 1;
  }
  function card(lead, i, f) {
    var a = el("article", "lead " + lead.s);
    a.tabIndex = 0;
    a.setAttribute("data-lead", lead.i);
    var head = el("header", "lead-head");
    head.appendChild(el("strong", "who", lead.u ? "@" + lead.u : lead.i));
    if (lead.n) head.appendChild(el("span", "name", lead.n));
    head.appendChild(el("span", "where", meta.leadsFile + ":" + lead.l + " · id " + lead.i));
    var k = readyIndex[i];
    var zone = lead.z || meta.zone;
    if (k >= 0) head.appendChild(el("span", "acct", "from " + meta.accounts[sched.a[k]]));
    head.appendChild(el("span", "badge " + lead.s, lead.s));
    a.appendChild(head);
    if (lead.s === "skipped") {
      var p = el("div", "problem warn");
      p.appendChild(el("div", "where", meta.leadsFile + ":" + lead.l + " · " + lead.r));
      p.appendChild(el("div", "fix", lead.x));
      a.appendChild(p);
      return a;
    }
    var thread = el("div", "thread");
    meta.steps.forEach(function (step, s) {
      if (f.step !== "" && String(s) !== f.step) return;
      var m = lead.m[s];
      if (m === undefined) return;
      var label = step.id + (step.kind === "reply" ? " · sent if the lead replies" : "");
      if (typeof m === "string") {
        var t = k >= 0 && step.kind === "sequence" ? sched.t[k][s] : null;
        if (t !== null && t !== undefined) label += " · " + when(t, zone) + " (" + zone + ")";
        var dm = el("div", step.kind === "reply" ? "dm on-reply" : "dm");
        dm.appendChild(el("div", "dm-meta", label));
        dm.appendChild(el("div", "dm-text", m));
        thread.appendChild(dm);
      } else {
        var box = el("div", "problem");
        box.appendChild(el("div", "dm-meta", label + " · cannot be sent"));
        m.forEach(function (e) { box.appendChild(el("div", "fix", (e[0] ? "{{" + e[0] + "}} " : "") + e[1])); });
        thread.appendChild(box);
      }
    });
    a.appendChild(thread);
    return a;
  }
  var timer = 0;
  form.addEventListener("input", function (ev) {
    clearTimeout(timer);
    timer = setTimeout(function () { apply(true); }, ev.target && ev.target.name === "q" ? 150 : 0);
  });
  form.addEventListener("submit", function (ev) { ev.preventDefault(); apply(true); });
  document.getElementById("prev").addEventListener("click", function () { state.page--; render(filters()); list.focus(); });
  document.getElementById("next").addEventListener("click", function () { state.page++; render(filters()); list.focus(); });
  document.getElementById("browser").hidden = false;
  document.addEventListener("DOMContentLoaded", function () {
    more();
    loading = false;
    showCount();
  });
  window.OutreachPreview = { more: more };
})();`;
