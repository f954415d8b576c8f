"use strict";
// The relation view (关系图): drawn by vis-network the first time its tab is shown (a hidden canvas has no size).
window.vvalleyRelation = function () {
  // Every piece of data reaches the page as JSON and the DOM only as text (textContent), never as markup.
  var data = JSON.parse(document.getElementById("vv-data").textContent);
  var READABLE = 12;  // px on screen: the smallest label the view may open with
  var font = window.getComputedStyle(document.body).fontFamily;  // one font stack, set in the CSS above
  var faint = document.getElementById("vv-faint");
  var english = document.body.classList.contains("lang-en");
  // Labels and tooltips come in Chinese (label, title) and, where they differ, English (label_en, title_en).
  function worded(item) {
    if (item.label_zh === undefined) { item.label_zh = item.label; item.title_zh = item.title; }
    item.label = english && item.label_en ? item.label_en : item.label_zh;
    item.title = english && item.title_en ? item.title_en : item.title_zh;
    return item;
  }
  data.nodes.forEach(worded);
  data.edges.forEach(worded);
  data.edges.forEach(function (e) { if (e.faint) e.hidden = true; });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var big = data.nodes.length > 2000;
  var network = new vis.Network(document.getElementById("vv-map"), {nodes: nodes, edges: edges}, {
    physics: false,
    layout: {improvedLayout: false},
    nodes: {font: {face: font, multi: false}},
    edges: {smooth: false, arrows: {to: {scaleFactor: 0.5}}, selectionWidth: 2},
    interaction: {hover: !big, tooltipDelay: 150, hideEdgesOnDrag: big, hideEdgesOnZoom: big,
                  multiselect: true, keyboard: {enabled: true, bindToWindow: false}}
  });
  var highlighted = [];
  var details = document.getElementById("vv-details");

  // Column titles and the ring around a focused gap are drawn on the canvas, not added as nodes.
  network.on("beforeDrawing", function (ctx) {
    ctx.save();
    ctx.font = "bold 30px " + font;
    ctx.fillStyle = "#78909c";
    ctx.textAlign = "left";
    data.headers.forEach(function (h) { ctx.fillText(english ? h.text : h.text_zh, h.x - 40, h.y); });
    ctx.restore();
  });
  network.on("afterDrawing", function (ctx) {
    if (!highlighted.length) return;
    var at = network.getPositions(highlighted);
    ctx.save();
    ctx.strokeStyle = "#d50000";
    ctx.lineWidth = 4;
    ctx.setLineDash([8, 6]);
    highlighted.forEach(function (id) {
      if (!at[id]) return;
      ctx.beginPath();
      ctx.arc(at[id].x, at[id].y, 46, 0, 2 * Math.PI);
      ctx.stroke();
    });
    ctx.restore();
  });

  // fit() frames the nodes only; the column titles drawn above them must stay in view too.
  function fitAll() {
    network.fit({animation: false});
    var ids = nodes.getIds({filter: function (n) { return !n.hidden; }});
    if (!ids.length) return;
    var at = network.getPositions(ids), box = {x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity};
    function grow(x0, y0, x1, y1) {
      box.x0 = Math.min(box.x0, x0); box.y0 = Math.min(box.y0, y0);
      box.x1 = Math.max(box.x1, x1); box.y1 = Math.max(box.y1, y1);
    }
    ids.forEach(function (id) { grow(at[id].x - 90, at[id].y - 40, at[id].x + 90, at[id].y + 60); });
    data.headers.forEach(function (h) {  // 30px bold: about 30 per CJK character, 17 per Latin one
      grow(h.x - 40, h.y - 34, h.x - 40 + (english ? 17 * h.text.length : 30 * h.text_zh.length), h.y + 8);
    });
    var view = document.getElementById("vv-map").getBoundingClientRect();
    var scale = Math.min(view.width / (box.x1 - box.x0), view.height / (box.y1 - box.y0)) * 0.97;
    network.moveTo({position: {x: (box.x0 + box.x1) / 2, y: (box.y0 + box.y1) / 2},
                    scale: Math.min(scale, 1.0), animation: false});
  }

  // The smallest label drawn, and the zoom at which it reads at READABLE px.
  function readableScale() {
    var smallest = Infinity;
    nodes.forEach(function (n) { if (!n.hidden && n.font && n.font.size) smallest = Math.min(smallest, n.font.size); });
    return smallest === Infinity ? 0 : READABLE / smallest;
  }
  // Open on everything when it reads at that zoom; else on the top gap and its neighbours, readable.
  function openView() {
    fitAll();
    if (network.getScale() + 1e-6 >= readableScale()) return;
    if (data.gaps.length) {
      focusGap(0);
      if (network.getScale() < readableScale()) {  // a long link: open readable on its first end
        network.moveTo({position: network.getPositions([data.gaps[0].nodes[0]])[data.gaps[0].nodes[0]],
                        scale: readableScale(), animation: false});
      }
      return;
    }
    network.moveTo({scale: readableScale(), animation: false});
  }

  function show(id) {
    var node = nodes.get(id);
    details.textContent = node ? node.title : "";
  }
  network.on("click", function (params) {
    if (params.nodes.length) { show(params.nodes[0]); }
    else if (params.edges.length) { var e = edges.get(params.edges[0]); details.textContent = e ? e.title : ""; }
    highlighted = [];
    setActiveGap(null);
  });

  // Zoom to the nodes and the segments they feed or are fed by, so a gap is seen in its chain.
  function zoomTo(ids) {
    var around = ids.slice();
    ids.forEach(function (id) {
      network.getConnectedEdges(id).forEach(function (edgeId) {
        var e = edges.get(edgeId);
        if (e && e.relation === "feeds") around.push(e.from === id ? e.to : e.from);
      });
    });
    around = around.filter(function (id) { var n = nodes.get(id); return n && !n.hidden; });
    if (!around.length) return;
    var need = readableScale();
    // The gap with its neighbours when that reads; else the gap alone, readable when it fits, whole when not.
    network.fit({nodes: around, animation: false});
    if (network.getScale() < need) {
      network.fit({nodes: ids, animation: false});
      if (network.getScale() >= need) network.moveTo({scale: need, animation: false});
    }
    if (network.getScale() > Math.max(1.0, need)) network.moveTo({scale: Math.max(1.0, need), animation: false});
  }
  function select(ids, edgeIds) {
    ids = ids.filter(function (id) { return nodes.get(id); });
    if (ids.some(function (id) { return nodes.get(id).hidden; })) resetFilters();
    network.setSelection({nodes: ids, edges: edgeIds || []}, {unselectAll: true, highlightEdges: false});
    zoomTo(ids);
  }

  // ---- filters: kind, focus area, gaps only ----
  var kindBoxes = Array.prototype.slice.call(document.querySelectorAll("#vv-kinds input"));
  var focusSelect = document.getElementById("vv-focus");
  var gapsOnly = document.getElementById("vv-gaps-only");
  function applyFilters() {
    var kinds = {};
    kindBoxes.forEach(function (box) { kinds[box.value] = box.checked; });
    var focus = focusSelect.value, onlyGaps = gapsOnly.checked, changes = [], visible = {};
    nodes.forEach(function (n) {
      var show = kinds[n.kind] !== false && (!focus || n.focus.indexOf(focus) >= 0) && (!onlyGaps || n.gap);
      visible[n.id] = show;
      if (!show !== !!n.hidden) changes.push({id: n.id, hidden: !show});
    });
    nodes.update(changes);
    var edgeChanges = [];
    var showFaint = faint.checked;
    edges.forEach(function (e) {
      var show = visible[e.from] && visible[e.to] && (showFaint || !e.faint);
      if (!show !== !!e.hidden) edgeChanges.push({id: e.id, hidden: !show});
    });
    edges.update(edgeChanges);
  }
  function resetFilters() {
    kindBoxes.forEach(function (box) { box.checked = true; });
    focusSelect.value = "";
    gapsOnly.checked = false;
    faint.checked = false;
    applyFilters();
  }
  kindBoxes.forEach(function (box) { box.addEventListener("change", applyFilters); });
  focusSelect.addEventListener("change", applyFilters);
  gapsOnly.addEventListener("change", applyFilters);
  faint.addEventListener("change", applyFilters);
  document.getElementById("vv-reset").addEventListener("click", function () {
    resetFilters(); highlighted = []; setActiveGap(null); network.unselectAll(); openView();
  });

  // ---- search: English or Chinese name, or id ----
  var index = data.nodes.map(function (n) {
    return {id: n.id, text: n.name_zh ? n.name_zh + " " + n.name : n.name,
            hay: (n.id + "\u0000" + n.name + "\u0000" + n.name_zh).toLowerCase()};
  });
  var input = document.getElementById("vv-search");
  var results = document.getElementById("vv-results");
  function search(query) {
    var q = query.trim().toLowerCase();
    if (!q) return [];
    var hits = index.filter(function (entry) { return entry.hay.indexOf(q) >= 0; });
    hits.sort(function (a, b) { return (a.hay.indexOf(q) - b.hay.indexOf(q)) || (a.text.length - b.text.length) || (a.id < b.id ? -1 : 1); });
    return hits.slice(0, 20);
  }
  function pick(id) {
    results.textContent = "";
    highlighted = [];
    setActiveGap(null);
    select([id]);
    show(id);
  }
  input.addEventListener("input", function () {
    results.textContent = "";
    search(input.value).forEach(function (hit) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = hit.text + " ";
      var id = document.createElement("span");
      id.className = "id";
      id.textContent = hit.id;
      button.appendChild(id);
      button.addEventListener("click", function () { pick(hit.id); });
      item.appendChild(button);
      results.appendChild(item);
    });
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { var hits = search(input.value); if (hits.length) pick(hits[0].id); }
    if (event.key === "Escape") { results.textContent = ""; }
  });

  // ---- the side list of gaps ----
  var gapButtons = Array.prototype.slice.call(document.querySelectorAll("#vv-gaps button"));
  function setActiveGap(button) {
    gapButtons.forEach(function (b) { b.classList.toggle("active", b === button); });
  }
  function focusGap(i) {
    var gap = data.gaps[i];
    highlighted = gap.nodes.slice();
    setActiveGap(gapButtons[i]);
    select(gap.nodes, gap.edges.filter(function (id) { return edges.get(id); }));
    details.textContent = english
      ? gap.kind_en + " · severity " + gap.severity + "\n" + gap.subject_label + "\n" + gap.reason
      : gap.kind_zh + " · 严重度 " + gap.severity + "\n" + gap.subject_label + "\n" + gap.reason_zh;
  }
  gapButtons.forEach(function (button) {
    button.addEventListener("click", function () { focusGap(Number(button.getAttribute("data-gap"))); });
  });

  openView();
  // Until the reader moves the map, keep it framed when the page's layout settles or the window is resized.
  var moved = false;
  network.on("dragStart", function () { moved = true; });
  network.on("zoom", function () { moved = true; });
  if (window.ResizeObserver) {
    new ResizeObserver(function () { if (!moved && !highlighted.length) openView(); })
      .observe(document.getElementById("vv-map"));
  }
  // The ego view opens on its whole neighbourhood with the focus node selected.
  if (data.focus) { network.selectNodes([data.focus]); show(data.focus); }
  // The language toggle: labels, tooltips and column titles in the language chosen.
  function setLang(lang) {
    english = lang === "en";
    nodes.update(nodes.get().map(function (n) { return worded(n); }));
    edges.update(edges.get().map(function (e) { return worded(e); }));
    details.textContent = "";
    network.redraw();
  }
  window.vvalleyMap = {network: network, nodes: nodes, edges: edges, data: data, readableScale: readableScale,
                       search: search, focusGap: focusGap, applyFilters: applyFilters, select: select,
                       setLang: setLang};
  return window.vvalleyMap;
};
