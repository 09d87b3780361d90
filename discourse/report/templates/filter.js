(function () {
  "use strict";
  // Filters of the comment list (thread pages) and of the thread table (index), all in
  // the page: nothing is fetched.
  function norm(text) {
    return (text || "").toLowerCase();
  }
  function count(form, shown, total, noun) {
    var out = form.querySelector("output");
    if (out) {
      out.textContent = shown === total ? "" : shown + " of " + total + " " + noun + " match";
    }
  }

  // -- comment list ---------------------------------------------------------------------
  var cform = document.getElementById("comment-filters");
  if (cform) {
    var list = document.getElementById("comment-list");
    var items = Array.prototype.slice.call(list.querySelectorAll("article.comment"));
    var texts = items.map(function (a) {
      var t = a.querySelector(":scope > .text");
      return norm(t ? t.textContent : "");
    });
    var applyComments = function () {
      var q = norm(cform.elements.q.value).trim();
      var author = norm(cform.elements.author.value).trim();
      var labels = {};
      Array.prototype.forEach.call(cform.querySelectorAll("input[name=label]"), function (box) {
        labels[box.value] = box.checked;
      });
      var conf = cform.elements.confidence.value;
      var threshold = parseFloat(list.getAttribute("data-uncertain-below") || "0.5");
      var active = q || author || conf || Object.keys(labels).some(function (k) { return !labels[k]; });
      var shown = 0;
      // Children come after their parent in the list: walk backwards so that a comment
      // knows whether any reply below it matches.
      for (var i = items.length - 1; i >= 0; i--) {
        var a = items[i];
        var label = a.getAttribute("data-label");
        var c = a.getAttribute("data-conf");
        var match = !active || (
          (labels[label] !== undefined ? labels[label] : true) &&
          (!q || texts[i].indexOf(q) >= 0) &&
          (!author || norm(a.getAttribute("data-author")).indexOf(author) >= 0) &&
          (!conf || (c !== "" && (conf === "uncertain" ? parseFloat(c) < threshold
                                                       : parseFloat(c) >= threshold))));
        var below = false;
        var kids = a.querySelectorAll(":scope > details > .children > article.comment");
        for (var k = 0; k < kids.length; k++) {
          if (!kids[k].hidden) {
            below = true;
            break;
          }
        }
        a.hidden = !(match || below);
        a.classList.toggle("context", active && !match && below);
        if (match && active) {
          shown += 1;
        }
        if (below) {
          var d = a.querySelector(":scope > details");
          if (d) {
            d.open = true;
          }
        }
      }
      count(cform, active ? shown : items.length, items.length, "comments");
    };
    cform.addEventListener("input", applyComments);
    cform.addEventListener("change", applyComments);
    cform.addEventListener("submit", function (e) { e.preventDefault(); });
    cform.addEventListener("reset", function () { window.setTimeout(applyComments, 0); });
  }

  // -- thread table (index) ---------------------------------------------------------------
  var tform = document.getElementById("thread-filters");
  if (tform) {
    var table = document.getElementById("threads");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows).filter(function (r) {
      return r.hasAttribute("data-size");
    });
    var num = function (name) {
      var v = tform.elements[name].value;
      return v === "" ? null : parseFloat(v);
    };
    var applyThreads = function () {
      var q = norm(tform.elements.q.value).trim();
      var site = tform.elements.site.value;
      var lo = num("min_size"), hi = num("max_size"), share = num("min_share");
      var label = tform.elements.share_label.value;
      var shown = 0;
      rows.forEach(function (r) {
        var size = parseFloat(r.getAttribute("data-size"));
        var s = label ? r.getAttribute("data-" + label) : "";
        var ok = (!q || norm(r.cells[1].textContent).indexOf(q) >= 0) &&
          (!site || r.getAttribute("data-site") === site) &&
          (lo === null || size >= lo) && (hi === null || size <= hi) &&
          (!label || share === null || (s !== "" && parseFloat(s) * 100 >= share - 1e-9));
        r.hidden = !ok;
        if (ok) {
          shown += 1;
        }
      });
      count(tform, shown, rows.length, "threads");
    };
    tform.addEventListener("input", applyThreads);
    tform.addEventListener("change", applyThreads);
    tform.addEventListener("submit", function (e) { e.preventDefault(); });
    tform.addEventListener("reset", function () { window.setTimeout(applyThreads, 0); });
  }
})();
