// dyads workbench. Plain JS, no build step. All article and event text goes in via
// textContent / createTextNode, never innerHTML.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const PAGE = 25;
const KIND_RANK = { trigger: 0, actor: 1, time: 2, place: 3 };
const FILTERS = ["actor", "recipient", "type", "since", "until", "search"];
// What the page shows; all of it but `total`, `types` and `shown` lives in the URL's query
// string, so a link restores the view and back/forward step through what was looked at.
const state = {
  view: "events", filters: {}, offset: 0, sort: "date_start", desc: false, article: null, event: null,
  a: "RUS", b: "ISR", minWeight: 1, node: "", total: 0, types: [], shown: { article: null, network: null, map: null },
};

// ---------- small helpers ----------
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}
function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}
function toast(message) {
  const t = document.getElementById("toast");
  t.textContent = message;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 3000);
}
async function api(path, options = {}) {
  const resp = await fetch(path, options);
  const body = await resp.json().catch(() => ({}));
  if (!resp.ok) {
    const detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail || resp.statusText);
    const error = new Error(detail);
    error.status = resp.status;
    throw error;
  }
  return body;
}
function actorCode(a) { return a ? [a.code, a.org && a.code === "IGO" ? a.org : null, a.sector].filter(Boolean).join("") || "?" : "—"; }
function actorCell(a) {
  const td = el("td", {}, el("span", { class: "code" }, actorCode(a)));
  if (a && (a.name || a.entity_text)) td.append(el("span", { class: "name" }, a.name || a.entity_text));
  return td;
}
function statusBadge(reviewed) {
  return reviewed ? el("span", { class: `badge ${reviewed.status}` }, reviewed.status) : null;
}
function shownType(ev) { return ev.reviewed && ev.reviewed.status !== "rejected" ? ev.reviewed.type : ev.event; }

// ---------- filters ----------
function filterParams() {
  const p = new URLSearchParams();
  for (const name of FILTERS) if (state.filters[name]) p.append(name, state.filters[name]);
  if (state.filters.all) p.set("all", "true");
  return p;
}
function readFilterForm() {
  const form = document.getElementById("filters"), filters = {};
  for (const name of FILTERS) {
    const v = form.elements[name].value.trim();
    if (v) filters[name] = v;
  }
  if (form.elements.all.checked) filters.all = true;
  return filters;
}
function fillFilterForm() {
  const form = document.getElementById("filters");
  for (const name of FILTERS) form.elements[name].value = state.filters[name] || "";
  form.elements.all.checked = !!state.filters.all;
}

// ---------- the URL holds the state ----------
const DEFAULTS = { view: "events", offset: 0, sort: "date_start", desc: false, article: null, event: null, a: "RUS", b: "ISR", minWeight: 1, node: "" };
const URL_KEYS = { view: "view", offset: "offset", sort: "sort", desc: "desc", article: "article", event: "event", a: "a", b: "b", minWeight: "min_weight", node: "node" };

function stateQuery() {
  const p = new URLSearchParams({ view: state.view });
  for (const [k, v] of filterParams()) p.append(k, v);
  for (const [key, name] of Object.entries(URL_KEYS)) {
    if (key !== "view" && state[key] !== DEFAULTS[key] && state[key] !== null && state[key] !== "") p.set(name, String(state[key]));
  }
  return p.toString();
}
function readURL() {
  const q = new URLSearchParams(location.search);
  state.filters = {};
  for (const name of FILTERS) if (q.get(name)) state.filters[name] = q.get(name);
  if (q.get("all") === "true") state.filters.all = true;
  const views = [...document.querySelectorAll("#tabs button")].map((b) => b.dataset.view);
  state.view = views.includes(q.get("view")) ? q.get("view") : DEFAULTS.view;
  state.offset = Math.max(0, parseInt(q.get("offset"), 10) || 0);
  state.sort = q.get("sort") || DEFAULTS.sort;
  state.desc = q.get("desc") === "true";
  state.article = q.get("article"); state.event = q.get("event");
  state.a = q.get("a") || DEFAULTS.a; state.b = q.get("b") || DEFAULTS.b;
  state.minWeight = Math.max(1, parseInt(q.get("min_weight"), 10) || 1);
  state.node = q.get("node") || "";
}
// Change the state, record it as a new history entry (or in place: `replace`), show it.
async function navigate(changes, replace = false) {
  Object.assign(state, changes);
  const url = `${location.pathname}?${stateQuery()}`;
  if (url !== location.pathname + location.search) history[replace ? "replaceState" : "pushState"](null, "", url);
  await render();
}
function downloadLink(format) {
  const p = filterParams();
  p.set("sort", state.sort);
  if (state.desc) p.set("desc", "true");
  p.set("format", format);
  return `/api/events?${p}`;
}

// ---------- events table ----------
// Only the newest request may fill the table: a slow answer to an older one (a tab switch
// just before an accept) would otherwise overwrite the table with rows from before the change.
let eventsRequest = 0;
async function loadEvents() {
  const request = ++eventsRequest;
  document.getElementById("download-csv").href = downloadLink("csv");
  document.getElementById("download-jsonl").href = downloadLink("jsonl");
  const p = filterParams();
  p.set("limit", PAGE); p.set("offset", state.offset); p.set("sort", state.sort);
  if (state.desc) p.set("desc", "true");
  let data;
  try { data = await api(`/api/events?${p}`); } catch (e) { toast(e.message); return; }
  if (request !== eventsRequest) return;
  state.total = data.total;
  const tbody = document.querySelector("#events-table tbody");
  tbody.replaceChildren(...data.items.map(eventRow));
  const last = Math.min(state.offset + PAGE, data.total);
  document.getElementById("events-summary").textContent = `${data.total} events`;
  document.getElementById("page-info").textContent = data.total ? `${state.offset + 1}–${last} of ${data.total}` : "no events";
  document.getElementById("prev").disabled = state.offset === 0;
  document.getElementById("next").disabled = last >= data.total;
  document.querySelectorAll("#events-table th[data-sort]").forEach((th) => {
    th.classList.toggle("sorted", th.dataset.sort === state.sort);
    th.classList.toggle("desc", th.dataset.sort === state.sort && state.desc);
  });
}

function eventRow(ev) {
  const loc = ev.event_loc;
  const date = ev.date ? ev.date + (ev.date_source === "publication" ? " (pub)" : "") : "";
  const type = el("td", {}, el("span", { class: "code" }, shownType(ev)), statusBadge(ev.reviewed));
  const open = el("a", { href: articleHref(ev.article_id, ev.id), onclick: (e) => { e.preventDefault(); openArticle(ev.article_id, ev.id); },
    title: "open the article" }, ev.text || "");
  const tr = el("tr", { "data-event-id": ev.id, class: ev.reviewed && ev.reviewed.status === "rejected" ? "rejected" : null },
    el("td", {}, date), type, el("td", {}, ev.mode || ""), actorCell(ev.actor), actorCell(ev.recipient),
    el("td", {}, loc ? `${loc.name} ${loc.country || ""}` : ""), el("td", {}, ev.confidence.toFixed(2)),
    el("td", { class: "evidence" }, open), el("td", {}, reviewControls(ev)));
  return tr;
}

// ---------- reviews ----------
function reviewControls(ev) {
  const select = el("select", { "aria-label": "new type", class: "type-select" },
    ...state.types.map((t) => el("option", { value: t, selected: t === shownType(ev) }, t)));
  return el("div", { class: "review" },
    el("button", { type: "button", class: "accept", onclick: (e) => { e.stopPropagation(); review(ev.id, { action: "accept" }); } }, "Accept"),
    el("button", { type: "button", class: "reject quiet", onclick: (e) => { e.stopPropagation(); review(ev.id, { action: "reject" }); } }, "Reject"),
    select,
    el("button", { type: "button", class: "change quiet", onclick: (e) => { e.stopPropagation(); review(ev.id, { action: "change", type: select.value }); } }, "Change type"));
}

function askReviewer() {
  return new Promise((resolve) => {
    const dialog = document.getElementById("token-dialog");
    const form = document.getElementById("token-form");
    form.elements.token.value = sessionStorage.getItem("dyads-token") || "";
    form.elements.reviewer.value = sessionStorage.getItem("dyads-reviewer") || "";
    dialog.addEventListener("close", () => {
      if (dialog.returnValue === "ok") {
        sessionStorage.setItem("dyads-token", form.elements.token.value.trim());
        sessionStorage.setItem("dyads-reviewer", form.elements.reviewer.value.trim());
        updateTokenButton();
        resolve(true);
      } else resolve(false);
    }, { once: true });
    dialog.showModal();
  });
}
function updateTokenButton() {
  const who = sessionStorage.getItem("dyads-reviewer");
  document.getElementById("token-button").textContent = sessionStorage.getItem("dyads-token") ? `Reviewer: ${who}` : "Set token";
}

async function review(eventId, change) {
  if (!sessionStorage.getItem("dyads-token") && !(await askReviewer())) return;
  const body = { ...change, reviewer: sessionStorage.getItem("dyads-reviewer") || "anonymous" };
  try {
    await api(`/api/events/${encodeURIComponent(eventId)}/review`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${sessionStorage.getItem("dyads-token")}` },
      body: JSON.stringify(body),
    });
  } catch (e) {
    if (e.status === 401 || e.status === 403) sessionStorage.removeItem("dyads-token");
    updateTokenButton();
    toast(`review not saved: ${e.message}`);
    return;
  }
  toast(`saved: ${change.action}${change.type ? " → " + change.type : ""}`);
  if (state.view === "article") await showArticle(true);
  else await loadEvents();
}

// ---------- article view ----------
function pickSpans(annotations) {
  // One mark per stretch of text: triggers first, then actors, times, places; identical
  // trigger spans (one trigger, several dyads) are merged and keep all their event ids.
  const merged = new Map();
  for (const a of annotations) {
    const key = `${a.kind}:${a.start}:${a.end}`;
    if (!merged.has(key)) merged.set(key, { ...a, events: [], labels: [] });
    const m = merged.get(key);
    if (a.event_id) m.events.push(a.event_id);
    if (a.label && !m.labels.includes(a.label)) m.labels.push(a.label);
  }
  const ranked = [...merged.values()].sort((x, y) => KIND_RANK[x.kind] - KIND_RANK[y.kind] || (y.end - y.start) - (x.end - x.start));
  const chosen = [];
  for (const s of ranked) if (!chosen.some((c) => s.start < c.end && c.start < s.end)) chosen.push(s);
  return chosen.sort((x, y) => x.start - y.start);
}

function renderBody(body, annotations) {
  const box = el("div", { class: "body" });
  let at = 0;
  for (const s of pickSpans(annotations)) {
    if (s.start > at) box.append(document.createTextNode(body.slice(at, s.start)));
    const mark = el("mark", { class: `ent ${s.kind}`, "data-kind": s.kind, title: `${s.kind}: ${s.labels.join(", ")}` },
      body.slice(s.start, s.end), el("span", { class: "label" }, s.kind === "place" || s.kind === "time" ? s.kind : s.labels.join("/")));
    if (s.events.length) {
      mark.dataset.events = s.events.join(" ");
      mark.addEventListener("click", () => selectEvent(s.events[0], false));
    }
    box.append(mark);
    at = s.end;
  }
  box.append(document.createTextNode(body.slice(at)));
  return box;
}

function articleHref(id, eventId) {
  const saved = { view: state.view, article: state.article, event: state.event };
  Object.assign(state, { view: "article", article: id, event: eventId || null });
  const href = `?${stateQuery()}`;
  Object.assign(state, saved);
  return href;
}
function openArticle(id, eventId) { return navigate({ view: "article", article: id, event: eventId || null }); }
function selectEvent(eventId, scrollText) {
  state.event = eventId;
  history.pushState(null, "", `${location.pathname}?${stateQuery()}`);
  focusEvent(eventId, scrollText);
}
// The article of the state; fetched again only when another one is asked for (or `force`).
async function showArticle(force = false) {
  if (!state.article) {
    document.getElementById("article").replaceChildren(el("p", { class: "summary" }, "Open an article from the events table."));
    document.getElementById("article-events").replaceChildren();
    state.shown.article = null;
    return;
  }
  if (force || state.shown.article !== state.article) {
    let a;
    try { a = await api(`/api/articles/${encodeURIComponent(state.article)}`); } catch (e) { toast(e.message); return; }
    renderArticle(a);
    state.shown.article = state.article;
  }
  if (state.event) focusEvent(state.event, true);
  else document.querySelectorAll(".focus").forEach((n) => n.classList.remove("focus"));
}
function renderArticle(a) {
  const legend = el("div", { class: "legend" }, ...["actor", "trigger", "time", "place"].map((k) => el("mark", { class: `ent ${k}` }, k)));
  const meta = el("div", { class: "meta" }, [a.published, a.source, a.id].filter(Boolean).join(" · "));
  document.getElementById("article").replaceChildren(el("h2", {}, a.title || a.id), meta, legend, renderBody(a.body, a.annotations));
  document.getElementById("article-events").replaceChildren(...a.events.map(eventCard));
}

function eventCard(ev) {
  const head = el("div", { class: "head" }, `${shownType(ev)} `, el("span", { class: "code" }, `${actorCode(ev.actor)} → ${actorCode(ev.recipient)}`),
    statusBadge(ev.reviewed));
  const facts = [ev.mode, ev.date, ev.factuality !== "asserted" ? ev.factuality : null, ev.event_loc ? ev.event_loc.name : null,
    `conf ${ev.confidence.toFixed(2)}`].filter(Boolean).join(" · ");
  const li = el("li", { class: `q${ev.quad_code || 0}`, "data-event-id": ev.id, onclick: () => selectEvent(ev.id, true) },
    head, el("div", { class: "sent" }, `“${ev.event_text}” — ${facts}`), reviewControls(ev));
  return li;
}

function focusEvent(eventId, scrollText) {
  document.querySelectorAll(".focus").forEach((n) => n.classList.remove("focus"));
  const card = document.querySelector(`#article-events li[data-event-id="${CSS.escape(eventId)}"]`);
  if (card) { card.classList.add("focus"); card.scrollIntoView({ block: "nearest" }); }
  const marks = [...document.querySelectorAll("mark.trigger")].filter((m) => (m.dataset.events || "").split(" ").includes(eventId));
  marks.forEach((m) => m.classList.add("focus"));
  if (scrollText && marks.length) marks[0].scrollIntoView({ block: "center" });
}

// ---------- dyad timeline ----------
function parseDay(s) {
  const [y, m, d] = s.split("-");
  if (!y || !/^\d{4}$/.test(y)) return null;
  return Date.UTC(+y, m && /^\d+$/.test(m) ? m - 1 : 0, d ? parseInt(d, 10) : 1);
}
const QUAD_COLOUR = { 1: "#2e9d5b", 2: "#1f6f43", 3: "#e07b39", 4: "#c8423b" };

async function loadTimeline() {
  const f = document.getElementById("dyad-form").elements;
  f.a.value = state.a; f.b.value = state.b;
  const a = state.a.toUpperCase(), b = state.b.toUpperCase();
  let data;
  try { data = await api(`/api/dyad?${new URLSearchParams({ a, b })}`); } catch (e) { toast(e.message); return; }
  document.getElementById("timeline-summary").textContent = `${data.total} events between ${a} and ${b}; colour = quad class (green cooperation, red conflict). Click a dot to open its article.`;
  document.getElementById("timeline").replaceChildren(timelineSvg(data.points, a, b));
}

function timelineSvg(points, a, b) {
  const W = 960, H = 265, left = 90, right = 30, lanes = { "a->b": 80, "b->a": 170 };
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img", "aria-label": `timeline ${a} ${b}` });
  const days = points.map((p) => parseDay(p.date)).filter((d) => d !== null);
  if (!days.length) { root.append(svg("text", { x: 20, y: 40 }, "no dated events for this dyad")); return root; }
  const lo = Math.min(...days) - 4 * 864e5, hi = Math.max(...days) + 4 * 864e5;
  const x = (t) => left + ((t - lo) / (hi - lo)) * (W - left - right);
  for (const [dir, y] of Object.entries(lanes)) {
    root.append(svg("line", { x1: left, x2: W - right, y1: y, y2: y, class: "grid" }));
    root.append(svg("text", { x: 8, y: y + 4 }, dir === "a->b" ? `${a} → ${b}` : `${b} → ${a}`));
  }
  for (const t of monthTicks(lo, hi)) {
    root.append(svg("line", { x1: x(t.at), x2: x(t.at), y1: 40, y2: 210, class: "grid" }));
    root.append(svg("text", { x: x(t.at) + 3, y: 230, class: "muted" }, t.label));
  }
  const seen = {};
  for (const p of points) {
    const t = parseDay(p.date);
    if (t === null) continue;
    const key = `${p.direction}${t}`;
    seen[key] = (seen[key] || 0) + 1;
    const y = lanes[p.direction] - 14 * (seen[key] - 1);
    const dot = svg("circle", { cx: x(t), cy: y, r: 7, fill: QUAD_COLOUR[p.quad_code] || "#8a94a6", "fill-opacity": 0.8,
      stroke: p.reviewed ? "#1d2330" : "#fff", "stroke-width": 2, class: "dot", "data-event-id": p.id });
    dot.append(svg("title", {}, `${p.date} ${p.event}: ${p.text}`));
    dot.style.cursor = "pointer";
    dot.addEventListener("click", () => openArticle(p.article_id, p.id));
    root.append(dot);
  }
  const legend = [["verbal cooperation", 1], ["material cooperation", 2], ["verbal conflict", 3], ["material conflict", 4]];
  legend.forEach(([label, q], i) => {
    root.append(svg("circle", { cx: left + 10 + i * 170, cy: 250, r: 5, fill: QUAD_COLOUR[q] }));
    root.append(svg("text", { x: left + 20 + i * 170, y: 254, class: "muted" }, label));
  });
  return root;
}

function dayTicks(lo, hi) {
  const ticks = [], week = 7 * 864e5;
  const start = Math.ceil(lo / 864e5) * 864e5;
  for (let at = start; at <= hi; at += week) ticks.push({ at, label: new Date(at).toISOString().slice(0, 10) });
  return ticks;
}

function monthTicks(lo, hi) {
  if ((hi - lo) / 864e5 < 120) return dayTicks(lo, hi);
  const ticks = [];
  const d = new Date(lo);
  let y = d.getUTCFullYear(), m = d.getUTCMonth() + 1;
  const span = (hi - lo) / 864e5, step = span > 1500 ? 12 : span > 400 ? 3 : 1;
  for (let i = 0; i < 400; i++) {
    if (m > 11) { y += Math.floor(m / 12); m %= 12; }
    const at = Date.UTC(y, m, 1);
    if (at > hi) break;
    if (m % step === 0) ticks.push({ at, label: `${y}-${String(m + 1).padStart(2, "0")}` });
    m += 1;
  }
  if (!ticks.length) ticks.push({ at: lo, label: new Date(lo).toISOString().slice(0, 10) });
  return ticks;
}

// ---------- network ----------
const LABELLED = 30;  // permanent labels for the biggest nodes only; the rest on hover or search

async function loadNetwork() {
  const p = filterParams();
  p.set("min_weight", state.minWeight);
  const key = p.toString();
  if (state.shown.network !== key) {
    let data;
    try { data = await api(`/api/network?${p}`); } catch (e) { toast(e.message); return; }
    const box = document.getElementById("network");
    box.replaceChildren(networkSvg(data));
    box.dataset.nodes = data.nodes.length;
    box.dataset.edges = data.edges.length;
    document.getElementById("node-list").replaceChildren(...data.nodes.map((n) => el("option", { value: n.id })));
    document.getElementById("network-summary").textContent =
      `${data.nodes.length} actors, ${data.edges.length} directed links of at least ${state.minWeight} event${state.minWeight > 1 ? "s" : ""} ` +
      "(node size = events, edge width = events; green cooperative, red conflictual). Hover a node for its name.";
    state.shown.network = key;
  }
  const controls = document.getElementById("network-controls").elements;
  const heaviest = Math.max(1, ...[...document.querySelectorAll("#network path.edge")].map((e) => +e.dataset.weight));
  controls.min_weight.max = Math.max(heaviest, state.minWeight, 2);  // dropping light links keeps the heaviest
  controls.min_weight.value = state.minWeight;
  document.getElementById("min-weight-value").textContent = state.minWeight;
  if (controls.node.value.trim().toUpperCase() !== state.node) controls.node.value = state.node;
  highlightNode(state.node);
}

// Force-directed layout (d3-force), run to rest before drawing: the picture is the same on
// every load and nothing moves under the reader's pointer.
function layout(nodes, edges, W, H) {
  // a few actors spread over the box, a few hundred packed closer
  const spacing = Math.min(140, Math.max(45, 600 / Math.sqrt(nodes.length)));
  const sim = d3.forceSimulation(nodes)
    .force("link", d3.forceLink(edges).id((n) => n.id).distance(spacing).strength(0.3))
    .force("charge", d3.forceManyBody().strength(-140 * spacing / 45).distanceMax(500))
    .force("collide", d3.forceCollide((n) => n.r + (nodes.length > 60 ? 3 : 12)))
    .force("x", d3.forceX(W / 2).strength(0.04))
    .force("y", d3.forceY(H / 2).strength(0.06))
    .stop();
  for (let i = 0; i < 300; i++) sim.tick();
}

function networkSvg({ nodes, edges }) {
  const W = 1100, H = 680;
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img", "aria-label": "actor network" });
  const defs = svg("defs");
  for (const [id, colour] of [["coop", "#2e9d5b"], ["conf", "#c8423b"]]) {
    const m = svg("marker", { id: `arrow-${id}`, viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" });
    m.append(svg("path", { d: "M0,0 L10,5 L0,10 z", fill: colour }));
    defs.append(m);
  }
  root.append(defs);
  if (!nodes.length) { root.append(svg("text", { x: 20, y: 40 }, "no dyadic events for these filters")); return root; }
  const maxEvents = Math.max(...nodes.map((n) => n.events));
  const sized = nodes.map((n) => ({ ...n, r: 4 + 16 * Math.sqrt(n.events / maxEvents) }));
  const links = edges.map((e) => ({ ...e }));
  layout(sized, links, W, H);
  // fit a big drawing into the box; a small one keeps its size (not blown up), centred
  const pad = 40, xs = sized.map((n) => n.x), ys = sized.map((n) => n.y);
  const x0 = Math.min(...xs) - pad, y0 = Math.min(...ys) - pad, x1 = Math.max(...xs) + pad, y1 = Math.max(...ys) + pad;
  const vw = Math.max(x1 - x0, W), vh = Math.max(y1 - y0, H);
  root.setAttribute("viewBox", `${(x0 + x1 - vw) / 2} ${(y0 + y1 - vh) / 2} ${vw} ${vh}`);
  const maxW = Math.max(...links.map((e) => e.weight));
  const edgeLayer = svg("g", { class: "edges" }), nodeLayer = svg("g", { class: "nodes" });
  for (const e of links) {
    const s = e.source, t = e.target;
    const dx = t.x - s.x, dy = t.y - s.y, len = Math.hypot(dx, dy) || 1;
    const bend = 0.12;  // curve so A->B and B->A stay apart
    const mx = (s.x + t.x) / 2 - dy * bend, my = (s.y + t.y) / 2 + dx * bend;
    const ex = t.x - (dx / len) * (t.r + 2), ey = t.y - (dy / len) * (t.r + 2);
    const kind = (e.goldstein ?? 0) >= 0 ? "coop" : "conf";
    const path = svg("path", { d: `M${s.x},${s.y} Q${mx},${my} ${ex},${ey}`, fill: "none", class: `edge ${kind}`,
      "data-source": s.id, "data-target": t.id, "data-weight": e.weight, "stroke-width": 0.7 + 4 * (e.weight / maxW), "marker-end": `url(#arrow-${kind})` });
    path.append(svg("title", {}, `${s.id} → ${t.id}: ${e.weight} events (${e.types})`));
    edgeLayer.append(path);
  }
  const ranked = [...sized].sort((a, b) => b.events - a.events);
  const labelled = new Set(ranked.slice(0, LABELLED).map((n) => n.id));
  for (const n of ranked.reverse()) {  // biggest drawn last, on top
    const g = svg("g", { class: labelled.has(n.id) ? "node" : "node minor", "data-id": n.id });
    g.append(svg("circle", { cx: n.x, cy: n.y, r: n.r }));
    g.append(svg("text", { x: n.x + n.r + 3, y: n.y + 4 }, `${n.id} (${n.events})`));
    g.append(svg("title", {}, `${n.id}: ${n.events} events`));
    g.addEventListener("click", () => navigate({ node: n.id }, true));
    nodeLayer.append(g);
  }
  root.append(edgeLayer, nodeLayer);
  return root;
}

// The searched node stands out with its links and partners; everything else fades.
function highlightNode(query) {
  const root = document.querySelector("#network svg");
  if (!root) return;
  root.querySelectorAll(".hit, .near").forEach((n) => n.classList.remove("hit", "near"));
  const q = query.trim().toUpperCase();
  const hit = q && ([...root.querySelectorAll("g.node")].find((g) => g.dataset.id === q)
    || [...root.querySelectorAll("g.node")].find((g) => g.dataset.id.startsWith(q)));
  root.classList.toggle("searching", !!hit);
  const info = document.getElementById("node-info");
  if (!hit) { info.textContent = q ? `no actor ${q} in this network` : ""; return; }
  const id = hit.dataset.id, partners = new Set();
  hit.classList.add("hit");
  root.querySelectorAll("path.edge").forEach((p) => {
    if (p.dataset.source !== id && p.dataset.target !== id) return;
    p.classList.add("hit");
    partners.add(p.dataset.source === id ? p.dataset.target : p.dataset.source);
  });
  root.querySelectorAll("g.node").forEach((g) => { if (partners.has(g.dataset.id)) g.classList.add("near"); });
  nodeLayerToTop(hit);
  info.textContent = `${hit.querySelector("title").textContent}; ${partners.size} partners`;
}
function nodeLayerToTop(g) { g.parentNode.append(g); }

// ---------- map ----------
const MAP_PAGES = 20;  // the map reads at most 20 pages of 1,000 events
let worldMap = null, pointLayer = null;

async function initMap() {
  worldMap = L.map("map", { minZoom: 1, maxZoom: 9, worldCopyJump: true, zoomSnap: 0.5 }).setView([25, 15], 2);
  worldMap.attributionControl.setPrefix(false).addAttribution("Countries: Natural Earth (public domain)");
  const topo = await (await fetch("/static/vendor/world-atlas/countries-110m.json")).json();
  L.geoJSON(unwrapped(topojson.feature(topo, topo.objects.countries)), {
    style: { className: "country", color: "#aab4c4", weight: 0.7, fillColor: "#f4f1ea", fillOpacity: 1 },
    interactive: false,
  }).addTo(worldMap);
  // overlapping points become one numbered circle; at the last zoom, a ring of them
  pointLayer = L.markerClusterGroup({ maxClusterRadius: 40, showCoverageOnHover: false, spiderfyOnMaxZoom: true }).addTo(worldMap);
}

// Natural Earth cuts Russia, Fiji and Antarctica at the 180th meridian; a flat map joins
// the cut ends with a line across the world. Such a ring is drawn past 180° instead.
function unwrapRing(ring) {
  const jumps = ring.some((pt, i) => i > 0 && Math.abs(pt[0] - ring[i - 1][0]) > 180);
  return jumps ? ring.map(([lon, lat]) => [lon < 0 ? lon + 360 : lon, lat]) : ring;
}
function unwrapped(collection) {
  for (const f of collection.features) {
    const g = f.geometry;
    if (!g) continue;
    if (g.type === "Polygon") g.coordinates = g.coordinates.map(unwrapRing);
    if (g.type === "MultiPolygon") g.coordinates = g.coordinates.map((poly) => poly.map(unwrapRing));
  }
  return collection;
}

async function allEvents() {
  const items = [];
  let total = 0;
  for (let page = 0; page < MAP_PAGES; page++) {
    const p = filterParams();
    p.set("limit", 1000); p.set("offset", page * 1000);
    const data = await api(`/api/events?${p}`);
    items.push(...data.items);
    total = data.total;
    if (items.length >= total || !data.items.length) break;
  }
  return { items, total };
}

// Only events at a town, district, province or country are points: a region or continent
// ("the Middle East") has no point, and an organisation's own acts are not at its seat.
function mapped(ev) {
  const loc = ev.event_loc;
  if (!loc || loc.lat === null || loc.lon === null) return "unlocated";
  if (loc.feature === "region") return "region";
  if (ev.actor && ev.actor.code === "IGO") return "igo";
  return "point";
}

async function loadMap() {
  if (!worldMap) {
    try { await initMap(); } catch (e) { toast(`map: ${e.message}`); return; }
  }
  worldMap.invalidateSize();  // the box was hidden until now
  const key = filterParams().toString();
  if (state.shown.map === key) return;
  let data;
  try { data = await allEvents(); } catch (e) { toast(e.message); return; }
  const kinds = { point: [], region: [], igo: [], unlocated: [] };
  for (const ev of data.items) kinds[mapped(ev)].push(ev);
  pointLayer.clearLayers();
  pointLayer.addLayers(kinds.point.map(eventMarker));
  const places = new Set(kinds.point.map((e) => `${e.event_loc.lat},${e.event_loc.lon}`)).size;
  const read = data.items.length < data.total ? ` (the first ${data.items.length} of ${data.total})` : "";
  document.getElementById("map-summary").textContent =
    `${kinds.point.length} events at ${places} places${read}; not drawn: ${kinds.region.length} in a region or continent, ` +
    `${kinds.igo.length} by an organisation, ${kinds.unlocated.length} without a place. Numbers are groups of nearby events: zoom in to split them.`;
  const box = document.getElementById("map");
  box.dataset.points = kinds.point.length;
  state.shown.map = key;
}

function eventMarker(ev) {
  const loc = ev.event_loc;
  const marker = L.marker([loc.lat, loc.lon], {
    icon: L.divIcon({ className: `place-marker q${ev.quad_code || 0}`, iconSize: [12, 12] }), title: loc.name,
  });
  // a DOM node, not a string: Leaflet would read a string as HTML
  marker.bindTooltip(el("div", {}, el("strong", {}, loc.name), ` ${loc.country || ""}`, el("br"),
    `${ev.date || ""} ${shownType(ev)} ${actorCode(ev.actor)} → ${actorCode(ev.recipient)}`), { direction: "top", offset: [0, -6] });
  marker.on("click", () => openArticle(ev.article_id, ev.id));
  return marker;
}

// ---------- views ----------
function showView(name) {
  document.querySelectorAll(".view").forEach((v) => { v.hidden = v.id !== `view-${name}`; });
  document.querySelectorAll("#tabs button").forEach((b) => b.classList.toggle("active", b.dataset.view === name));
  document.getElementById("filters").hidden = !["events", "network", "map"].includes(name);
}
// Make the page show `state` (after a click, a back/forward step or on load).
async function render() {
  fillFilterForm();
  if (state.view === "article") {
    await showArticle();  // before the view is shown: never the previous article's text
    showView("article");
    if (state.event) focusEvent(state.event, true);  // scrolls only once visible
    document.body.dataset.view = state.view;
    return;
  }
  showView(state.view);
  if (state.view === "events") await loadEvents();
  else if (state.view === "timeline") await loadTimeline();
  else if (state.view === "network") await loadNetwork();
  else if (state.view === "map") await loadMap();
  document.body.dataset.view = state.view;
}

function bindControls() {
  document.querySelectorAll("#tabs button").forEach((b) => b.addEventListener("click", () => navigate({ view: b.dataset.view })));
  const filters = document.getElementById("filters");
  filters.addEventListener("submit", (e) => { e.preventDefault(); navigate({ filters: readFilterForm(), offset: 0 }); });
  filters.addEventListener("reset", (e) => { e.preventDefault(); navigate({ filters: {}, offset: 0 }); });
  document.getElementById("prev").addEventListener("click", () => navigate({ offset: Math.max(0, state.offset - PAGE) }));
  document.getElementById("next").addEventListener("click", () => navigate({ offset: state.offset + PAGE }));
  document.querySelectorAll("#events-table th[data-sort]").forEach((th) => th.addEventListener("click", () => {
    navigate({ desc: state.sort === th.dataset.sort ? !state.desc : false, sort: th.dataset.sort, offset: 0 });
  }));
  document.getElementById("dyad-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const f = e.target.elements;
    navigate({ a: f.a.value.trim().toUpperCase() || DEFAULTS.a, b: f.b.value.trim().toUpperCase() || DEFAULTS.b });
  });
  const net = document.getElementById("network-controls");
  net.addEventListener("submit", (e) => e.preventDefault());
  net.elements.min_weight.addEventListener("input", (e) => { document.getElementById("min-weight-value").textContent = e.target.value; });
  net.elements.min_weight.addEventListener("change", (e) => navigate({ minWeight: parseInt(e.target.value, 10) || 1 }));
  net.elements.node.addEventListener("input", (e) => navigate({ node: e.target.value.trim().toUpperCase() }, true));
  document.getElementById("token-button").addEventListener("click", askReviewer);
  window.addEventListener("popstate", () => { readURL(); render(); });
}

async function init() {
  try { state.types = (await api("/api/types")).items; } catch (e) { state.types = []; }
  const typeSelect = document.querySelector("#filters select[name=type]");
  for (const t of state.types) typeSelect.append(el("option", { value: t }, t));
  bindControls();
  updateTokenButton();
  readURL();
  history.replaceState(null, "", `${location.pathname}?${stateQuery()}`);
  await render();
  document.body.dataset.ready = "true";
}
init();
