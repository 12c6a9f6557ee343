// dyads workbench. Plain JS, no build step. All article and event text goes in via
// textContent / createTextNode, never innerHTML.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const PAGE = 25;
const KIND_RANK = { trigger: 0, actor: 1, time: 2, place: 3 };
const state = { offset: 0, sort: "date_start", desc: false, total: 0, types: [], article: null };

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
  const form = document.getElementById("filters");
  const p = new URLSearchParams();
  for (const name of ["actor", "recipient", "type", "since", "until", "search"]) {
    const v = form.elements[name].value.trim();
    if (v) p.append(name, v);
  }
  if (form.elements.all.checked) p.set("all", "true");
  return p;
}

// ---------- events table ----------
async function loadEvents() {
  const p = filterParams();
  p.set("limit", PAGE); p.set("offset", state.offset); p.set("sort", state.sort);
  if (state.desc) p.set("desc", "true");
  let data;
  try { data = await api(`/api/events?${p}`); } catch (e) { toast(e.message); return; }
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
  const open = el("a", { onclick: () => openArticle(ev.article_id, ev.id), title: "open the article" }, ev.text || "");
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
  await loadEvents();
  if (state.article) await openArticle(state.article, eventId, false);
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
      mark.addEventListener("click", () => focusEvent(s.events[0], false));
    }
    box.append(mark);
    at = s.end;
  }
  box.append(document.createTextNode(body.slice(at)));
  return box;
}

async function openArticle(id, eventId, switchView = true) {
  let a;
  try { a = await api(`/api/articles/${encodeURIComponent(id)}`); } catch (e) { toast(e.message); return; }
  state.article = id;
  const legend = el("div", { class: "legend" }, ...["actor", "trigger", "time", "place"].map((k) => el("mark", { class: `ent ${k}` }, k)));
  const meta = el("div", { class: "meta" }, [a.published, a.source, a.id].filter(Boolean).join(" · "));
  document.getElementById("article").replaceChildren(el("h2", {}, a.title || a.id), meta, legend, renderBody(a.body, a.annotations));
  document.getElementById("article-events").replaceChildren(...a.events.map(eventCard));
  if (switchView) showView("article");
  if (eventId) focusEvent(eventId, true);
}

function eventCard(ev) {
  const head = el("div", { class: "head" }, `${shownType(ev)} `, el("span", { class: "code" }, `${actorCode(ev.actor)} → ${actorCode(ev.recipient)}`),
    statusBadge(ev.reviewed));
  const facts = [ev.mode, ev.date, ev.factuality !== "asserted" ? ev.factuality : null, ev.event_loc ? ev.event_loc.name : null,
    `conf ${ev.confidence.toFixed(2)}`].filter(Boolean).join(" · ");
  const li = el("li", { class: `q${ev.quad_code || 0}`, "data-event-id": ev.id, onclick: () => focusEvent(ev.id, true) },
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

async function loadTimeline(event) {
  if (event) event.preventDefault();
  const f = document.getElementById("dyad-form").elements;
  const a = f.a.value.trim().toUpperCase(), b = f.b.value.trim().toUpperCase();
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
async function loadNetwork() {
  let data;
  try { data = await api(`/api/network?${filterParams()}`); } catch (e) { toast(e.message); return; }
  document.getElementById("network").replaceChildren(networkSvg(data));
}

function networkSvg({ nodes, edges }) {
  const W = 760, H = 600, cx = W / 2, cy = H / 2, R = Math.min(W, H) / 2 - 70;
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img", "aria-label": "actor network" });
  const defs = svg("defs");
  for (const [id, colour] of [["coop", "#2e9d5b"], ["conf", "#c8423b"]]) {
    const m = svg("marker", { id: `arrow-${id}`, viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 10, markerHeight: 10, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" });
    m.append(svg("path", { d: "M0,0 L10,5 L0,10 z", fill: colour }));
    defs.append(m);
  }
  root.append(defs);
  if (!nodes.length) { root.append(svg("text", { x: 20, y: 40 }, "no dyadic events for these filters")); return root; }
  const pos = {}, maxEvents = Math.max(...nodes.map((n) => n.events));
  nodes.forEach((n, i) => {
    const angle = (2 * Math.PI * i) / nodes.length - Math.PI / 2;
    pos[n.id] = { x: cx + R * Math.cos(angle), y: cy + R * Math.sin(angle), r: 8 + 18 * Math.sqrt(n.events / maxEvents), angle };
  });
  const maxW = Math.max(...edges.map((e) => e.weight));
  for (const e of edges) {
    const s = pos[e.source], t = pos[e.target];
    const dx = t.x - s.x, dy = t.y - s.y, len = Math.hypot(dx, dy) || 1;
    const bend = 0.12;  // curve so A->B and B->A stay apart
    const mx = (s.x + t.x) / 2 - dy * bend, my = (s.y + t.y) / 2 + dx * bend;
    const ex = t.x - (dx / len) * (t.r + 3), ey = t.y - (dy / len) * (t.r + 3);
    const kind = (e.goldstein ?? 0) >= 0 ? "coop" : "conf";
    const path = svg("path", { d: `M${s.x},${s.y} Q${mx},${my} ${ex},${ey}`, fill: "none", stroke: kind === "coop" ? "#2e9d5b" : "#c8423b",
      "stroke-opacity": 0.6, "stroke-width": 1 + 5 * (e.weight / maxW), "marker-end": `url(#arrow-${kind})` });
    path.append(svg("title", {}, `${e.source} → ${e.target}: ${e.weight} events`));
    root.append(path);
  }
  for (const n of nodes) {
    const p = pos[n.id];
    const g = svg("g", { class: "node" });
    g.append(svg("circle", { cx: p.x, cy: p.y, r: p.r, fill: "#e8eefc", stroke: "#2f5fd0", "stroke-width": 1.5 }));
    const lx = p.x + Math.cos(p.angle) * (p.r + 14), ly = p.y + Math.sin(p.angle) * (p.r + 14) + 4;
    g.append(svg("text", { x: lx, y: ly, "text-anchor": Math.abs(Math.cos(p.angle)) < 0.3 ? "middle" : Math.cos(p.angle) > 0 ? "start" : "end",
      "font-weight": 600 }, `${n.id} (${n.events})`));
    root.append(g);
  }
  return root;
}

// ---------- map ----------
async function loadMap() {
  const p = filterParams();
  p.set("limit", 1000);
  let data;
  try { data = await api(`/api/events?${p}`); } catch (e) { toast(e.message); return; }
  const located = data.items.filter((e) => e.event_loc && e.event_loc.lat !== null && e.event_loc.lon !== null);
  document.getElementById("map-summary").textContent = `${located.length} of ${data.items.length} events have a place (equirectangular projection; dot = place, size = events).`;
  document.getElementById("map").replaceChildren(mapSvg(located));
}

function mapSvg(events) {
  const W = 900, H = 450, x = (lon) => ((lon + 180) / 360) * W, y = (lat) => ((90 - lat) / 180) * H;
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img", "aria-label": "map of located events" });
  root.append(svg("rect", { x: 0, y: 0, width: W, height: H, fill: "#f1f5fb" }));
  for (let lon = -180; lon <= 180; lon += 30) root.append(svg("line", { x1: x(lon), x2: x(lon), y1: 0, y2: H, class: "grid" }));
  for (let lat = -60; lat <= 60; lat += 30) {
    root.append(svg("line", { x1: 0, x2: W, y1: y(lat), y2: y(lat), class: "grid" }));
    root.append(svg("text", { x: 4, y: y(lat) - 3, class: "muted" }, `${lat}°`));
  }
  const regions = [["North America", 45, -100], ["South America", -15, -60], ["Europe", 52, 15], ["Africa", 5, 20],
    ["Middle East", 29, 45], ["Asia", 45, 90], ["Oceania", -25, 135]];
  for (const [name, lat, lon] of regions) {
    root.append(svg("text", { x: x(lon), y: y(lat), "text-anchor": "middle", class: "muted", "font-size": 13, opacity: 0.5 }, name));
  }
  const places = new Map();
  for (const e of events) {
    const key = `${e.event_loc.lat.toFixed(2)},${e.event_loc.lon.toFixed(2)}`;
    if (!places.has(key)) places.set(key, { loc: e.event_loc, events: [] });
    places.get(key).events.push(e);
  }
  for (const { loc, events: evs } of places.values()) {
    const conflict = evs.filter((e) => e.quad_code >= 3).length > evs.length / 2;
    const dot = svg("circle", { cx: x(loc.lon), cy: y(loc.lat), r: 4 + 3 * Math.sqrt(evs.length), fill: conflict ? "#c8423b" : "#2e9d5b",
      "fill-opacity": 0.7, stroke: "#fff", class: "place" });
    dot.append(svg("title", {}, `${loc.name} (${loc.country || "?"}): ${evs.map((e) => e.event).join(", ")}`));
    dot.style.cursor = "pointer";
    dot.addEventListener("click", () => openArticle(evs[0].article_id, evs[0].id));
    root.append(dot, svg("text", { x: x(loc.lon) + 8, y: y(loc.lat) + 4 }, loc.name));
  }
  return root;
}

// ---------- views ----------
function showView(name) {
  document.querySelectorAll(".view").forEach((v) => { v.hidden = v.id !== `view-${name}`; });
  document.querySelectorAll("#tabs button").forEach((b) => b.classList.toggle("active", b.dataset.view === name));
  document.getElementById("filters").hidden = !["events", "network", "map"].includes(name);
  if (name === "timeline") loadTimeline();
  if (name === "network") loadNetwork();
  if (name === "map") loadMap();
}
function refreshCurrent() {
  const active = document.querySelector("#tabs button.active").dataset.view;
  state.offset = 0;
  if (active === "network") loadNetwork();
  else if (active === "map") loadMap();
  loadEvents();
}

async function init() {
  try { state.types = (await api("/api/types")).items; } catch (e) { state.types = []; }
  const typeSelect = document.querySelector("#filters select[name=type]");
  for (const t of state.types) typeSelect.append(el("option", { value: t }, t));
  document.querySelectorAll("#tabs button").forEach((b) => b.addEventListener("click", () => showView(b.dataset.view)));
  document.getElementById("filters").addEventListener("submit", (e) => { e.preventDefault(); refreshCurrent(); });
  document.getElementById("filters").addEventListener("reset", () => setTimeout(refreshCurrent, 0));
  document.getElementById("prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE); loadEvents(); });
  document.getElementById("next").addEventListener("click", () => { state.offset += PAGE; loadEvents(); });
  document.querySelectorAll("#events-table th[data-sort]").forEach((th) => th.addEventListener("click", () => {
    state.desc = state.sort === th.dataset.sort ? !state.desc : false;
    state.sort = th.dataset.sort;
    loadEvents();
  }));
  document.getElementById("dyad-form").addEventListener("submit", loadTimeline);
  document.getElementById("token-button").addEventListener("click", askReviewer);
  updateTokenButton();
  await loadEvents();
  document.body.dataset.ready = "true";
}
init();
