/* The form editor: questions as cards (add, edit, reorder by drag or by ↑/↓, duplicate, remove), options as
 * rows, show-if on earlier answers, and a live phone preview (the real public page, rendered by the server
 * from the unsaved draft). Codes are made here and never shown: q1…, o1…, r1…. Plain JS, no library. */
(function () {
  "use strict";
  var _ = window.gettext || String; // the English catalogue (jsi18n), when the page loaded it
  var data = JSON.parse(document.getElementById("editor-data").textContent);
  var def = data.definition, editable = data.editable;
  var typeLabels = {}; data.types.forEach(function (t) { typeLabels[t[0]] = t[1]; });
  var CHOICE = { single_choice: 1, multiple_choice: 1 }, OPTIONS = { single_choice: 1, multiple_choice: 1, matrix: 1 };
  var list = document.getElementById("question-list");
  var form = document.getElementById("editor-form");
  var openCode = null, dirty = false, previewTimer = null, dragFrom = null;
  var tagNames = {};
  data.tags.forEach(function (d) { tagNames[d.code] = d.name; d.indicators.forEach(function (i) { tagNames[i.code] = i.name; }); });

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), attrs[k]);
      else if (attrs[k] === true) node.setAttribute(k, "");
      else if (attrs[k] !== false && attrs[k] != null) node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function nextCode(prefix, items) {
    var taken = {}; items.forEach(function (x) { taken[x.code] = 1; });
    for (var n = 1; ; n++) if (!taken[prefix + n]) return prefix + n;
  }
  function allQuestionCodes() { return def.questions; }
  function changed(rerender) {
    dirty = true;
    var note = document.getElementById("dirty-note"); if (note) note.hidden = false;
    if (rerender) render();
    clearTimeout(previewTimer);
    previewTimer = setTimeout(preview, 400);
  }
  function preview() {
    var pf = document.getElementById("preview-form");
    pf.elements.definition.value = JSON.stringify(collect());
    pf.submit();
  }
  function collect() {
    def.title = document.getElementById("ed-title").value;
    def.intro = document.getElementById("ed-intro").value;
    return def;
  }
  function move(arr, from, to) {
    if (to < 0 || to >= arr.length) return false;
    arr.splice(to, 0, arr.splice(from, 1)[0]);
    return true;
  }
  function copy(x) { return JSON.parse(JSON.stringify(x)); }

  function newQuestion(type) {
    var q = { code: nextCode("q", def.questions), type: type, text: "", required: true, indicator: "", dimension: "",
              counts_for_satisfaction: false, options: [], rows: [], min: null, max: null, decimals: 0, show_if: [] };
    if (OPTIONS[type]) q.options = [{ code: "o1", label: _("选项1"), points: null, other: false }, { code: "o2", label: _("选项2"), points: null, other: false }];
    if (type === "matrix") {
      q.options = [{ code: "o1", label: _("满意"), points: 1, other: false }, { code: "o2", label: _("基本满意"), points: 0.6, other: false },
                   { code: "o3", label: _("不满意"), points: 0, other: false }];
      q.rows = [{ code: "r1", label: "", indicator: "", dimension: "" }];
    }
    if (type === "score") { q.min = "0"; q.max = "10"; }
    return q;
  }
  function addQuestion(q) {
    def.questions.push(q);
    openCode = q.code;
    changed(true);
    var card = document.getElementById("card-" + q.code);
    if (card) { card.scrollIntoView({ block: "center" }); var t = card.querySelector(".q-text"); if (t) t.focus(); }
  }

  // ---- one question card ------------------------------------------------------------------------------
  function tagSelect(item, label, id, dimensionsOnly) {
    var select = el("select", { id: id, disabled: !editable, onchange: function () {
      var v = select.value, isDim = v.indexOf("dim:") === 0;
      item.dimension = isDim ? v.slice(4) : ""; item.indicator = isDim ? "" : v;
      if (!isDim && v) data.tags.forEach(function (d) { d.indicators.forEach(function (i) { if (i.code === v) item.dimension = d.code; }); });
      changed(false);
    } }, [el("option", { value: "", text: _("（不计入评估）") })]);
    data.tags.forEach(function (d) {
      var group = el("optgroup", { label: d.name });
      group.appendChild(el("option", { value: "dim:" + d.code, text: d.name + _("（整个维度）"), selected: !item.indicator && item.dimension === d.code }));
      if (!dimensionsOnly) d.indicators.forEach(function (i) { group.appendChild(el("option", { value: i.code, text: i.name, selected: item.indicator === i.code })); });
      select.appendChild(group);
    });
    return el("div", { class: "field" }, [el("label", { for: id, text: label }), select]);
  }
  function input(item, key, attrs, rerender) {
    var node = el("input", Object.assign({ value: item[key] == null ? "" : item[key], disabled: !editable }, attrs));
    node.addEventListener(attrs.type === "checkbox" ? "change" : "input", function () {
      item[key] = attrs.type === "checkbox" ? node.checked : (attrs.type === "number" && node.value === "" ? null : node.value);
      changed(rerender);
    });
    if (attrs.type === "checkbox") node.checked = !!item[key];
    return node;
  }
  function rowButtons(arr, index, what) {
    if (!editable) return null;
    return el("span", { class: "row-buttons" }, [
      el("button", { type: "button", class: "btn small secondary", "aria-label": _("上移%s").replace("%s", what), title: _("上移"), text: "↑", onclick: function () { if (move(arr, index, index - 1)) changed(true); } }),
      el("button", { type: "button", class: "btn small secondary", "aria-label": _("下移%s").replace("%s", what), title: _("下移"), text: "↓", onclick: function () { if (move(arr, index, index + 1)) changed(true); } }),
      el("button", { type: "button", class: "btn small secondary", "aria-label": _("删除%s").replace("%s", what), title: _("删除"), text: "✕", onclick: function () { arr.splice(index, 1); changed(true); } }),
    ]);
  }
  function optionsEditor(q) {
    var box = el("div", { class: "options-editor" }, [el("p", { class: "muted", text: q.type === "matrix" ? _("评价尺度（每一行都用这组选项）") : _("选项") })]);
    q.options.forEach(function (o, i) {
      var id = q.code + "-o-" + i;
      box.appendChild(el("div", { class: "option-row" }, [
        el("label", { class: "sr-only", for: id + "-label", text: _("选项名称") }),
        input(o, "label", { type: "text", id: id + "-label", class: "opt-label", maxlength: 100, placeholder: _("选项名称") }),
        el("label", { for: id + "-points", class: "inline-label", text: _("分值") }),
        input(o, "points", { type: "number", id: id + "-points", class: "opt-points", min: 0, max: 1, step: 0.05, title: _("占满分的比例：0–1") }),
        q.type !== "matrix" ? el("label", { class: "inline-label" }, [input(o, "other", { type: "checkbox", class: "opt-other" }), _(" 需注明")]) : null,
        rowButtons(q.options, i, _("选项")),
      ]));
    });
    if (editable) box.appendChild(el("button", { type: "button", class: "btn small secondary add-option", text: _("＋ 添加选项"), onclick: function () {
      q.options.push({ code: nextCode("o", q.options), label: _("选项%s").replace("%s", q.options.length + 1), points: null, other: false }); changed(true);
    } }));
    return box;
  }
  function rowsEditor(q) {
    var box = el("div", { class: "options-editor" }, [el("p", { class: "muted", text: _("矩阵的行（每行计入一个维度或指标）") })]);
    q.rows.forEach(function (r, i) {
      var id = q.code + "-r-" + i;
      box.appendChild(el("div", { class: "option-row" }, [
        el("label", { class: "sr-only", for: id + "-label", text: _("行名称") }),
        input(r, "label", { type: "text", id: id + "-label", class: "row-label", maxlength: 200, placeholder: _("行名称，如：职能配置") }),
        tagSelect(r, _("计入"), id + "-tag"),
        rowButtons(q.rows, i, _("此行")),
      ]));
    });
    if (editable) box.appendChild(el("button", { type: "button", class: "btn small secondary add-row", text: _("＋ 添加一行"), onclick: function () {
      q.rows.push({ code: nextCode("r", q.rows), label: "", indicator: "", dimension: "" }); changed(true);
    } }));
    return box;
  }
  function showIfEditor(q, index) {
    var earlier = def.questions.slice(0, index).filter(function (x) { return CHOICE[x.type]; });
    var box = el("div", { class: "options-editor show-if-editor" }, [el("p", { class: "muted", text: _("显示条件（同时满足时才显示此题）") })]);
    q.show_if.forEach(function (c, i) {
      var source = earlier.filter(function (x) { return x.code === c.question; })[0];
      var select = el("select", { class: "cond-question", "aria-label": _("依据的题目"), disabled: !editable, onchange: function () { c.question = select.value; c.values = []; changed(true); } },
        [el("option", { value: "", text: _("选择前面的一道选择题") })].concat(earlier.map(function (x) {
          return el("option", { value: x.code, selected: x.code === c.question, text: _("第%s题 ").replace("%s", def.questions.indexOf(x) + 1) + (x.text || "").slice(0, 24) });
        })));
      var values = el("span", { class: "cond-values" });
      (source ? source.options : []).forEach(function (o) {
        var box2 = el("input", { type: "checkbox", disabled: !editable, onchange: function () {
          var at = c.values.indexOf(o.code);
          if (box2.checked && at < 0) c.values.push(o.code); else if (!box2.checked && at >= 0) c.values.splice(at, 1);
          changed(false);
        } });
        box2.checked = c.values.indexOf(o.code) >= 0;
        values.appendChild(el("label", { class: "inline-label" }, [box2, " " + o.label]));
      });
      box.appendChild(el("div", { class: "option-row cond-row" }, [select, el("span", { text: _("选择了") }), values, rowButtons(q.show_if, i, _("此条件"))]));
    });
    if (editable && earlier.length) box.appendChild(el("button", { type: "button", class: "btn small secondary add-condition", text: _("＋ 添加显示条件"), onclick: function () {
      q.show_if.push({ question: "", values: [] }); changed(true);
    } }));
    if (!earlier.length) box.appendChild(el("p", { class: "muted", text: _("（前面没有选择题，不能设置显示条件）") }));
    return box;
  }
  function card(q, index) {
    var open = openCode === q.code;
    var summary = (q.text || _("（未填写题目）")) + (q.rows.length ? _("（%s 行）").replace("%s", q.rows.length) : "");
    var tag = tagNames[q.indicator] || tagNames[q.dimension] || "";
    var head = el("div", { class: "q-head" }, [
      el("span", { class: "drag-handle", "aria-hidden": "true", title: _("拖动排序"), text: "⋮⋮" }),
      el("button", { type: "button", class: "q-toggle", "aria-expanded": open ? "true" : "false", onclick: function () { openCode = open ? null : q.code; render(); } }, [
        el("b", { text: (index + 1) + ". " }), el("span", { class: "q-summary", text: summary }),
        el("span", { class: "badge", text: typeLabels[q.type] || q.type }),
        q.required ? el("span", { class: "muted", text: _(" 必答") }) : null,
        tag ? el("span", { class: "muted", text: " · " + tag }) : null,
        q.show_if.length ? el("span", { class: "muted", text: _(" · 有显示条件") }) : null,
      ]),
      editable ? el("span", { class: "row-buttons" }, [
        el("button", { type: "button", class: "btn small secondary q-up", "aria-label": _("上移第%s题").replace("%s", index + 1), text: "↑", onclick: function () { if (move(def.questions, index, index - 1)) changed(true); } }),
        el("button", { type: "button", class: "btn small secondary q-down", "aria-label": _("下移第%s题").replace("%s", index + 1), text: "↓", onclick: function () { if (move(def.questions, index, index + 1)) changed(true); } }),
        el("button", { type: "button", class: "btn small secondary q-copy", "aria-label": _("复制第%s题").replace("%s", index + 1), text: _("复制"), onclick: function () {
          var twin = copy(q); twin.code = nextCode("q", def.questions); def.questions.splice(index + 1, 0, twin); openCode = twin.code; changed(true);
        } }),
        el("button", { type: "button", class: "btn small secondary q-remove", "aria-label": _("删除第%s题").replace("%s", index + 1), text: _("删除"), onclick: function () {
          if (!window.confirm(_("删除第 %s 题？保存后生效。").replace("%s", index + 1))) return;
          def.questions.splice(index, 1);
          def.questions.forEach(function (x) { x.show_if = x.show_if.filter(function (c) { return c.question !== q.code; }); });
          changed(true);
        } }),
      ]) : null,
    ]);
    var li = el("li", { class: "q-card card" + (open ? " open" : ""), id: "card-" + q.code, draggable: editable ? "true" : false }, [head]);
    li.addEventListener("dragstart", function (e) { dragFrom = index; e.dataTransfer.effectAllowed = "move"; e.dataTransfer.setData("text/plain", q.code); });
    li.addEventListener("dragover", function (e) { if (dragFrom !== null) { e.preventDefault(); li.classList.add("drop-here"); } });
    li.addEventListener("dragleave", function () { li.classList.remove("drop-here"); });
    li.addEventListener("drop", function (e) { e.preventDefault(); if (dragFrom !== null && move(def.questions, dragFrom, index)) changed(true); dragFrom = null; });
    li.addEventListener("dragend", function () { dragFrom = null; });
    if (!open) return li;
    var id = "q-" + q.code;
    var typeSelect = el("select", { id: id + "-type", disabled: !editable, onchange: function () {
      var fresh = newQuestion(typeSelect.value);
      q.type = fresh.type;
      if (!OPTIONS[q.type]) q.options = []; else if (q.options.length < 2 || q.type === "matrix") q.options = fresh.options;
      q.rows = q.type === "matrix" ? (q.rows.length ? q.rows : fresh.rows) : [];
      q.min = fresh.min; q.max = fresh.max;
      changed(true);
    } }, data.types.map(function (t) { return el("option", { value: t[0], text: t[1], selected: t[0] === q.type }); }));
    var body = el("div", { class: "q-body" }, [
      el("div", { class: "grid" }, [
        el("div", { class: "field" }, [el("label", { for: id + "-type", text: _("题型") }), typeSelect]),
        q.type !== "matrix" ? tagSelect(q, _("计入的维度或指标"), id + "-tag") : null,
      ]),
      el("div", { class: "field" }, [el("label", { for: id + "-text", text: _("题目") }),
        input(q, "text", { type: "text", id: id + "-text", class: "q-text", maxlength: 500 })]),
      el("div", { class: "field" }, [el("label", { class: "inline-label" }, [input(q, "required", { type: "checkbox", class: "q-required" }, true), _(" 必答")]),
        OPTIONS[q.type] ? el("label", { class: "inline-label" }, [input(q, "counts_for_satisfaction", { type: "checkbox" }), _(" 计入满意率")]) : null]),
      OPTIONS[q.type] ? optionsEditor(q) : null,
      q.type === "matrix" ? rowsEditor(q) : null,
      (q.type === "score" || q.type === "number" || q.type === "multiple_choice") ? el("div", { class: "grid" }, [
        el("div", { class: "field" }, [el("label", { for: id + "-min", text: q.type === "multiple_choice" ? _("最少选几项") : (q.type === "score" ? _("最低分") : _("最小值")) }),
          input(q, "min", { type: "number", id: id + "-min", step: "any" })]),
        el("div", { class: "field" }, [el("label", { for: id + "-max", text: q.type === "multiple_choice" ? _("最多选几项") : (q.type === "score" ? _("满分") : _("最大值")) }),
          input(q, "max", { type: "number", id: id + "-max", step: "any" })]),
        q.type !== "multiple_choice" ? el("div", { class: "field" }, [el("label", { for: id + "-dec", text: _("小数位数") }),
          input(q, "decimals", { type: "number", id: id + "-dec", min: 0, max: 2 })]) : null,
      ]) : null,
      showIfEditor(q, index),
    ]);
    li.appendChild(body);
    return li;
  }

  function render() {
    list.textContent = "";
    def.questions.forEach(function (q, i) { list.appendChild(card(q, i)); });
    if (!def.questions.length) list.appendChild(el("li", { class: "muted", text: _("还没有题目：从下方添加，或从题库选题。") }));
  }

  // ---- the add bar and the question bank -------------------------------------------------------------
  var addButtons = document.getElementById("add-buttons");
  if (addButtons) data.types.forEach(function (t) {
    addButtons.appendChild(el("button", { type: "button", class: "btn small secondary", "data-add": t[0], text: _("＋ ") + t[1], onclick: function () { addQuestion(newQuestion(t[0])); } }));
  });
  var bankList = document.getElementById("bank-list");
  if (bankList) data.bank.forEach(function (group) {
    var items = el("ul", { class: "bank-items" });
    group.questions.forEach(function (q) {
      if (!typeLabels[q.type]) return;
      items.appendChild(el("li", {}, [
        el("button", { type: "button", class: "btn small secondary bank-add", text: _("添加"), onclick: function () {
          var added = copy(q); added.code = nextCode("q", def.questions); addQuestion(added);
        } }), " " + q.text + (q.rows.length ? _("（%s 行）").replace("%s", q.rows.length) : "")]));
    });
    bankList.appendChild(el("details", {}, [el("summary", { text: group.title + _("（") + group.questions.length + _("）") }), items]));
  });

  document.getElementById("ed-title").value = def.title || "";
  document.getElementById("ed-intro").value = def.intro || "";
  ["ed-title", "ed-intro"].forEach(function (id) { document.getElementById(id).addEventListener("input", function () { changed(false); }); });
  if (!editable) { document.getElementById("ed-title").disabled = true; document.getElementById("ed-intro").disabled = true; }
  form.addEventListener("submit", function () { document.getElementById("definition-field").value = JSON.stringify(collect()); dirty = false; });
  window.addEventListener("beforeunload", function (e) { if (dirty) { e.preventDefault(); e.returnValue = ""; } });
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) { if (!window.confirm(f.dataset.confirm)) e.preventDefault(); });
  });
  render();
  if (document.getElementById("editor-errors")) preview();  // a refused draft: preview what was sent
})();
