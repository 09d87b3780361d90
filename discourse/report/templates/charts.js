(function () {
  "use strict";
  var config = {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
    toImageButtonOptions: {format: "png", scale: 2}
  };
  // The toolbar stands in the chart's right margin; on a narrow chart plotly shrinks
  // that margin and the toolbar would cover the last tick labels ("100"), so charts
  // narrower than this have none (a phone has no hover to show it anyway).
  var TOOLBAR_MIN_WIDTH = 400;
  // Chart clicks lead to a comment of this page ("#c-..."), a comment on a part page of
  // this thread ("~N#c-..."), or another report page ("name.html").
  var safeLink = /^(#c-[A-Za-z0-9_.-]+|~[0-9]+#c-[A-Za-z0-9_.-]+|[A-Za-z0-9_.-]+\.html)$/;
  function follow(event) {
    var point = event && event.points && event.points[0];
    var href = point && point.customdata;
    if (typeof href !== "string" || !safeLink.test(href)) {
      return;
    }
    if (href.charAt(0) === "~") {
      var page = window.location.pathname.split("/").pop().replace(/\.html$/, "");
      href = page + href.split("#")[0] + ".html#" + href.split("#")[1];
    }
    window.location.href = href;
  }
  var blocks = document.querySelectorAll("script.chart-data");
  function draw(block) {
    var div = document.getElementById(block.getAttribute("data-target"));
    if (!div || div.getAttribute("data-drawn")) {
      return;
    }
    div.setAttribute("data-drawn", "1");
    var figure = JSON.parse(block.textContent);
    var own = Object.assign({}, config,
                            {displayModeBar: div.clientWidth >= TOOLBAR_MIN_WIDTH ? "hover" : false});
    window.Plotly.newPlot(div, figure.data, figure.layout, own).then(function (gd) {
      gd.on("plotly_click", follow);
    });
  }
  function missing() {
    for (var i = 0; i < blocks.length; i++) {
      var div = document.getElementById(blocks[i].getAttribute("data-target"));
      if (div) {
        div.textContent = "This chart needs plotly.js, which could not be loaded " +
          "(a report written with plotlyjs=\"cdn\" needs network access; otherwise keep " +
          "plotly.min.js beside the pages).";
        div.className += " chart-missing";
      }
    }
  }
  // Charts are drawn when they come near the screen, so a page opens without waiting
  // for the charts below the fold.
  function start() {
    if (typeof window.Plotly === "undefined") {
      missing();
      return;
    }
    if (!("IntersectionObserver" in window)) {
      Array.prototype.forEach.call(blocks, draw);
      return;
    }
    var byDiv = {};
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          draw(byDiv[entry.target.id]);
        }
      });
    }, {rootMargin: "300px 0px"});
    Array.prototype.forEach.call(blocks, function (block) {
      var div = document.getElementById(block.getAttribute("data-target"));
      if (div) {
        byDiv[div.id] = block;
        observer.observe(div);
      }
    });
  }
  if (!blocks.length) {
    return;
  }
  var src = document.currentScript && document.currentScript.getAttribute("data-plotly");
  if (typeof window.Plotly !== "undefined" || !src) {
    start();
    return;
  }
  // plotly.js is loaded by this script (the page's Content-Security-Policy trusts what
  // it loads through 'strict-dynamic', and nothing else).
  var script = document.createElement("script");
  script.src = src;
  script.charset = "utf-8";
  script.onload = start;
  script.onerror = missing;
  document.head.appendChild(script);
})();
