(function () {
  "use strict";
  function value(row, col) {
    return row.cells[col].getAttribute("data-v") || "";
  }
  function sortBy(table, col, numeric, ascending) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a, col), y = value(b, col);
      if (x === "" || y === "") {
        return x === y ? 0 : (x === "" ? 1 : -1);
      }
      var d = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
      return ascending ? d : -d;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  var tables = document.querySelectorAll("table.sortable");
  Array.prototype.forEach.call(tables, function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      var button = th.querySelector("button");
      if (!button) {
        return;
      }
      button.addEventListener("click", function () {
        var numeric = th.getAttribute("data-type") === "num";
        var current = th.getAttribute("aria-sort");
        var ascending = current ? current !== "ascending" : !numeric;
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        sortBy(table, col, numeric, ascending);
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      });
    });
  });
})();
