// The console works without this script; it only adds sorting of small tables by a click on a heading, and the
// overview's reload every data-refresh seconds. Loaded from the console itself: the pages allow no other script.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  var refresh = Number(document.body.dataset.refresh);
  if (refresh > 0) {
    setTimeout(function () { window.location.reload(); }, refresh * 1000);
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (heading, column) {
      heading.title = "sort by " + heading.textContent;
      heading.addEventListener("click", function () { sortBy(table, heading, column); });
    });
  });
});

function sortBy(table, heading, column) {
  var ascending = heading.getAttribute("aria-sort") !== "ascending";
  table.querySelectorAll("thead th").forEach(function (th) { th.removeAttribute("aria-sort"); });
  heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  rows.sort(function (a, b) {
    var x = a.cells[column].textContent.trim();
    var y = b.cells[column].textContent.trim();
    var nx = parseFloat(x);
    var ny = parseFloat(y);
    var order = !isNaN(nx) && !isNaN(ny) && String(nx) === x && String(ny) === y
      ? nx - ny : x.localeCompare(y);
    return ascending ? order : -order;
  });
  rows.forEach(function (row) { body.appendChild(row); });
}
