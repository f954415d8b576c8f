"use strict";
// The panorama (全景图): tabs, language, drill-down cards, search. Data reaches the DOM only as text.
(function () {
  var cards = JSON.parse(document.getElementById("vv-cards").textContent);
  var body = document.body;

  // ---- small DOM helpers: every string goes in through textContent ----
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function both(zh, en) {  // a phrase in both languages; CSS shows the one chosen
    var span = el("span");
    span.appendChild(el("span", "zh-only", zh));
    span.appendChild(el("span", "en-only", en));
    return span;
  }
  function nameOf(item) { return item.name_zh && item.name_zh !== item.name ? item.name_zh + " " + item.name : item.name; }
  // Evidence: http(s) URLs become links, everything else stays text (a javascript: "link" is just text).
  function evidence(text) {
    var box = el("div", "ev"), rest = String(text || ""), re = /https?:\/\/[^\s<>"'()]+/g, at = 0, m;
    while ((m = re.exec(rest)) !== null) {
      if (m.index > at) box.appendChild(document.createTextNode(rest.slice(at, m.index)));
      var a = el("a", null, m[0]);
      a.href = m[0];
      a.rel = "noopener noreferrer";
      a.target = "_blank";
      box.appendChild(a);
      at = m.index + m[0].length;
    }
    if (at < rest.length) box.appendChild(document.createTextNode(rest.slice(at)));
    return box;
  }

  // ---- tabs and language ----
  var tabs = {panorama: document.getElementById("vv-tab-panorama"), relation: document.getElementById("vv-tab-relation")};
  var panels = {panorama: document.getElementById("vv-panorama"), relation: document.getElementById("vv-relation")};
  var relation = null;
  function showTab(name) {
    Object.keys(tabs).forEach(function (key) {
      tabs[key].setAttribute("aria-selected", key === name ? "true" : "false");
      panels[key].hidden = key !== name;
    });
    body.setAttribute("data-tab", name);
    if (name === "relation" && !relation) relation = window.vvalleyRelation();
    return relation;
  }
  tabs.panorama.addEventListener("click", function () { showTab("panorama"); });
  tabs.relation.addEventListener("click", function () { showTab("relation"); });
  var langButton = document.getElementById("vv-lang");
  // Text CSS cannot switch (placeholders, titles, <option>s) carries its English in data-en-*; the
  // Chinese, as the page was written, is kept the first time English is shown.
  function swap(selector, get, set, lang) {
    document.querySelectorAll(selector).forEach(function (node) {
      if (!node.hasAttribute("data-zh-kept")) node.setAttribute("data-zh-kept", get(node));
      set(node, lang === "en" ? node.getAttribute(selector.slice(1, -1)) : node.getAttribute("data-zh-kept"));
    });
  }
  function setLang(lang) {
    body.classList.toggle("lang-en", lang === "en");
    document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
    langButton.textContent = lang === "en" ? "中文" : "English";
    swap("[data-en-placeholder]", function (n) { return n.placeholder; }, function (n, t) { n.placeholder = t; }, lang);
    swap("[data-en-title]", function (n) { return n.title; }, function (n, t) { n.title = t; }, lang);
    swap("[data-en-text]", function (n) { return n.textContent; }, function (n, t) { n.textContent = t; }, lang);
    if (relation) relation.setLang(lang);
  }
  langButton.addEventListener("click", function () { setLang(body.classList.contains("lang-en") ? "zh" : "en"); });

  // ---- groups collapse / expand, +N more ----
  var groupButtons = Array.prototype.slice.call(document.querySelectorAll(".ghead"));
  function setGroup(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.closest(".group").querySelector(".boxes").hidden = !open;
  }
  groupButtons.forEach(function (button) {
    button.addEventListener("click", function () { setGroup(button, button.getAttribute("aria-expanded") !== "true"); });
  });
  var expandAll = document.getElementById("vv-expand-all");
  if (expandAll) expandAll.addEventListener("click", function () { groupButtons.forEach(function (b) { setGroup(b, true); }); });
  document.querySelectorAll(".chip.more").forEach(function (more) {
    more.addEventListener("click", function (event) {
      event.stopPropagation();
      more.parentNode.querySelectorAll(".chip.firm[hidden]").forEach(function (chip) { chip.hidden = false; });
      more.hidden = true;
    });
  });

  // ---- cards ----
  var overlay = document.getElementById("vv-card");
  var cardBody = document.getElementById("vv-card-body");
  var opener = null;
  var STATUS = cards.status;
  function statusWord(st) { var s = STATUS[st] || {zh: "?", en: st}; return both(s.zh, s.en); }
  function section(zh, en) { var h = el("h3"); h.appendChild(both(zh, en)); cardBody.appendChild(h); }
  function list(items, render, emptyZh, emptyEn) {
    var ul = el("ul");
    if (!items.length) { var li = el("li"); li.appendChild(both(emptyZh, emptyEn)); ul.appendChild(li); }
    items.forEach(function (item) { var li = el("li"); render(li, item); ul.appendChild(li); });
    cardBody.appendChild(ul);
  }
  function link(text, onClick) {
    var b = el("button", "linkish", text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }
  function open(title, sub) {
    cardBody.textContent = "";
    var h = el("h2", null, title);
    h.id = "vv-card-title";
    cardBody.appendChild(h);
    if (sub) cardBody.appendChild(el("div", "small", sub));
    if (overlay.hidden) opener = document.activeElement;
    overlay.hidden = false;
    overlay.querySelector(".card").scrollTop = 0;
    document.getElementById("vv-card-close").focus();
  }
  function close() {
    overlay.hidden = true;
    if (opener && opener.focus) opener.focus();
    opener = null;
  }
  function segmentCard(id) {
    var s = cards.segments[id];
    if (!s) return;
    open(s.name_zh, s.name !== s.name_zh ? s.name : "");
    var status = el("div", "small");
    status.appendChild(both("本地区状态：", "In the region: "));
    status.appendChild(statusWord(s.status));
    cardBody.appendChild(status);
    section("本地企业", "Local firms");
    list(s.firms, function (li, f) {
      var a = cards.actors[f];
      li.appendChild(link(nameOf(a), function () { actorCard(f); }));
      var where = a.sites.filter(function (x) { return x.id; }).map(function (x) { return x.name_zh; }).join("、");
      if (where) li.appendChild(el("span", "small", " · " + where));
      if (a.since) li.appendChild(el("span", "small", " · " + a.since));
      li.appendChild(evidence(a.evidence));
    }, "本地区没有企业做这一环节", "No firm of the region operates in it");
    section("本地研究机构", "Local institutes");
    list(s.institutes, function (li, i) {
      li.appendChild(link(nameOf(cards.actors[i]), function () { actorCard(i); }));
    }, "无", "None");
    section("上游环节", "Upstream segments");
    list(s.up, function (li, u) { neighbour(li, u); }, "无", "None");
    section("下游环节", "Downstream segments");
    list(s.down, function (li, d) { neighbour(li, d); }, "无", "None");
    section("缺口", "Gaps");
    list(s.gaps, function (li, i) {
      var g = cards.gaps[i];
      li.appendChild(el("strong", null, g.kind_zh + " "));
      li.appendChild(el("span", "small", g.label_zh + " · " + g.severity));
      var reason = el("div");
      reason.appendChild(both(g.reason_zh, g.reason));
      li.appendChild(reason);
    }, "无", "None");
    section("招商目标", "Fill candidates");
    list(s.candidates, function (li, c) {
      li.appendChild(link(nameOf(c), function () { actorCard(c.id); }));
      var score = el("span", "small", " · ");
      score.appendChild(both("得分 " + c.score, "score " + c.score));
      li.appendChild(score);
      var why = el("div", "small");
      why.appendChild(both(c.why_zh, c.why));
      li.appendChild(why);
    }, "无", "None");
  }
  function neighbour(li, n) {
    var s = cards.segments[n.id];
    li.appendChild(link(s ? nameOf(s) : n.id, function () { segmentCard(n.id); }));
    li.appendChild(el("span", "small", " · "));
    li.appendChild(statusWord(n.status));
    var words = {broken: ["断链", "broken"], unlinked: ["待对接", "to match"], linked: ["已对接", "linked"], absent: ["两端皆缺", "both missing"]};
    if (words[n.link]) { li.appendChild(el("span", "small", " · ")); li.appendChild(both(words[n.link][0], words[n.link][1])); }
  }
  function actorCard(id) {
    var a = cards.actors[id];
    if (!a) return;
    var kind = a.kind === "institute" ? ["研究机构", "institute"] : ["企业", "enterprise"];
    open(a.name_zh, a.name !== a.name_zh ? a.name : "");
    var sub = el("div", "small");
    sub.appendChild(both(kind[0] + (a.local ? "（本地）" : "（区外）"), kind[1] + (a.local ? " (local)" : " (outside the region)")));
    if (a.since) sub.appendChild(el("span", null, " · " + a.since));
    cardBody.appendChild(sub);
    section("环节", "Segments");
    list(a.segments, function (li, s) {
      if (cards.segments[s.id]) li.appendChild(link(nameOf(s), function () { segmentCard(s.id); }));
      else li.appendChild(el("span", null, nameOf(s)));
    }, "无", "None");
    section("所在地", "Sites");
    list(a.sites, function (li, s) {
      li.textContent = s.name_zh + (s.site ? " · " + s.site : "") + (s.since ? " · " + s.since : "");
    }, "无", "None");
    section("关系", "Ties");
    var rel = {supplies: ["供货", "supplies"], partners_with: ["合作", "partners with"], subsidiary_of: ["隶属", "subsidiary of"]};
    list(a.ties, function (li, t) {
      var r = rel[t.relation] || [t.relation, t.relation];
      li.appendChild(both(r[0] + (t.out ? " → " : " ← "), r[1] + (t.out ? " → " : " ← ")));
      if (cards.actors[t.id]) li.appendChild(link(nameOf(t), function () { actorCard(t.id); }));
      else li.appendChild(el("span", null, nameOf(t)));
      li.appendChild(evidence(t.evidence));
    }, "无已知关系", "No known tie");
    section("来源", "Evidence");
    cardBody.appendChild(evidence(a.evidence));
    if (a.confidence) {
      var grade = el("div", "small");
      grade.appendChild(both("可信度 " + a.confidence, "grade " + a.confidence));
      cardBody.appendChild(grade);
    }
  }
  function focusCard(id) {
    var f = cards.focus.filter(function (x) { return x.id === id; })[0];
    if (!f) return;
    open(f.name_zh, f.name);
    var line = el("div", "small");
    line.appendChild(both("服务它的 " + f.segments + " 个环节中本地覆盖 " + f.covered + " 个",
                          f.covered + " of the " + f.segments + " segments serving it are covered"));
    cardBody.appendChild(line);
    section("本地研究机构", "Local institutes");
    list(f.institutes, function (li, i) {
      li.appendChild(link(nameOf(cards.actors[i]), function () { actorCard(i); }));
    }, "无", "None");
  }
  document.getElementById("vv-card-close").addEventListener("click", close);
  overlay.addEventListener("click", function (event) { if (event.target === overlay) close(); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !overlay.hidden) { event.preventDefault(); close(); }
  });

  // Clicks in the panorama: a chip opens its actor, anything else in a box opens the segment.
  document.getElementById("vv-panorama").addEventListener("click", function (event) {
    var target = event.target.closest("[data-firm], [data-candidate], [data-institute], [data-segment], [data-focus]");
    if (!target) return;
    if (target.hasAttribute("data-firm")) actorCard(target.getAttribute("data-firm"));
    else if (target.hasAttribute("data-candidate")) actorCard(target.getAttribute("data-candidate"));
    else if (target.hasAttribute("data-institute")) actorCard(target.getAttribute("data-institute"));
    else if (target.hasAttribute("data-focus")) focusCard(target.getAttribute("data-focus"));
    else segmentCard(target.getAttribute("data-segment"));
  });
  document.querySelectorAll(".focuscard").forEach(function (card) {
    card.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); focusCard(card.getAttribute("data-focus")); }
    });
  });

  // ---- search: Chinese or English name, pinyin initials (红外探测器: hwtcq), or id; opens the card ----
  // Pinyin initials from the browser's own pinyin collation: a character's initial is the last boundary
  // character (阿 a, 八 b, 嚓 c …) that sorts before it. Cached per character; nothing is fetched.
  var BOUNDS = "阿八嚓哒妸发旮哈讥咔垃痳拏噢妑七呥仨他屲夕丫帀", LETTERS = "abcdefghjklmnopqrstwxyz", initialOf = {};
  var collator = null;
  try { collator = new Intl.Collator("zh-Hans-CN-u-co-pinyin"); } catch (e) { collator = null; }
  function initials(text) {
    if (!collator || collator.resolvedOptions().collation !== "pinyin") return "";
    var out = "";
    Array.from(String(text)).forEach(function (ch) {
      if (!/[\u4e00-\u9fff]/.test(ch)) { if (/[a-z0-9]/i.test(ch)) out += ch.toLowerCase(); return; }
      if (!(ch in initialOf)) {
        var k = -1;
        for (var i = 0; i < BOUNDS.length; i++) if (collator.compare(BOUNDS[i], ch) <= 0) k = i;
        initialOf[ch] = k < 0 ? "" : LETTERS[k];
      }
      out += initialOf[ch];
    });
    return out;
  }
  var index = [];
  Object.keys(cards.segments).sort().forEach(function (id) {
    var s = cards.segments[id];
    index.push({id: id, what: "segment", text: nameOf(s), hay: (s.name_zh + "\u0000" + s.name + "\u0000" + id).toLowerCase()});
  });
  Object.keys(cards.actors).sort().forEach(function (id) {
    var a = cards.actors[id];
    index.push({id: id, what: a.kind, text: nameOf(a), hay: (a.name_zh + "\u0000" + a.name + "\u0000" + id).toLowerCase()});
  });
  var withInitials = false;
  function search(query) {
    var q = query.trim().toLowerCase();
    if (!q) return [];
    if (!withInitials) {  // on first use: the page opens without paying for it
      index.forEach(function (e) { e.hay += "\u0000" + initials(e.hay.split("\u0000")[0]); });
      withInitials = true;
    }
    var hits = index.filter(function (e) { return e.hay.indexOf(q) >= 0; });
    hits.sort(function (a, b) { return (a.hay.indexOf(q) - b.hay.indexOf(q)) || (a.text.length - b.text.length) || (a.id < b.id ? -1 : 1); });
    return hits.slice(0, 20);
  }
  function reveal(id) {
    var box = document.querySelector('[data-segment="' + CSS.escape(id) + '"]');
    if (!box) return null;
    var group = box.closest(".group");
    if (group) setGroup(group.querySelector(".ghead"), true);
    box.scrollIntoView({block: "center"});
    document.querySelectorAll(".box.flash").forEach(function (b) { b.classList.remove("flash"); });
    box.classList.add("flash");
    return box;
  }
  function pick(hit) {
    results.textContent = "";
    if (hit.what === "segment") { reveal(hit.id); segmentCard(hit.id); }
    else actorCard(hit.id);
  }
  var input = document.getElementById("vv-psearch");
  var results = document.getElementById("vv-presults");
  input.addEventListener("input", function () {
    results.textContent = "";
    search(input.value).forEach(function (hit) {
      var li = el("li"), button = el("button", null, hit.text + " ");
      button.type = "button";
      var kind = {segment: ["环节", "segment"], enterprise: ["企业", "firm"], institute: ["机构", "institute"]}[hit.what] || [hit.what, hit.what];
      var tag = both(kind[0], kind[1]);
      tag.className = "id";
      button.appendChild(tag);
      button.addEventListener("click", function () { pick(hit); });
      li.appendChild(button);
      results.appendChild(li);
    });
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { var hits = search(input.value); if (hits.length) pick(hits[0]); }
    if (event.key === "Escape") results.textContent = "";
    if (event.key === "ArrowDown") { var first = results.querySelector("button"); if (first) { event.preventDefault(); first.focus(); } }
  });

  window.vvalleyPanorama = {cards: cards, showTab: showTab, segmentCard: segmentCard, actorCard: actorCard,
                            search: search, reveal: reveal, setLang: setLang};
  if (body.getAttribute("data-tab") === "relation") showTab("relation");
})();
