/* cems site: click a table header to sort its rows (local, no dependencies).
   Numbers and dates sort by value, text by Chinese collation; a second click reverses. */
(function () {
  "use strict";
  var collator = new Intl.Collator("zh-Hans-CN", { numeric: true, sensitivity: "base" });

  function key(cell) {
    var text = (cell ? cell.textContent : "").trim();
    var number = text.replace(/[,\s]/g, "");
    if (number !== "" && !isNaN(number)) return { n: parseFloat(number), t: text };
    return { n: null, t: text };
  }

  function compare(a, b) {
    if (a.n !== null && b.n !== null) return a.n - b.n;
    return collator.compare(a.t, b.t);
  }

  function sortBy(table, header, index) {
    var body = table.tBodies[0];
    if (!body) return;
    var order = header.getAttribute("data-sort") === "asc" ? "desc" : "asc";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.setAttribute("data-sort", "none");
    });
    header.setAttribute("data-sort", order);
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var result = compare(key(r1.cells[index]), key(r2.cells[index]));
      return order === "asc" ? result : -result;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function enable(root) {
    var tables = root.querySelectorAll("article table:not([class])");
    Array.prototype.forEach.call(tables, function (table) {
      if (!table.tHead || table.getAttribute("data-sortable") === "on") return;
      // a two-column 项目/内容 fact table reads top to bottom: sorting it would only scramble it
      if (table.tHead.rows[0].cells.length < 3 || (table.tBodies[0] && table.tBodies[0].rows.length < 2)) return;
      table.setAttribute("data-sortable", "on");
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
        th.setAttribute("data-sort", "none");
        th.setAttribute("title", "点击排序");
        th.addEventListener("click", function () { sortBy(table, th, index); });
      });
    });
  }

  // Material's instant navigation swaps pages without reloading: re-run on each page.
  if (typeof document$ !== "undefined" && document$.subscribe) {
    document$.subscribe(function () { enable(document); });
  } else {
    document.addEventListener("DOMContentLoaded", function () { enable(document); });
  }
})();
