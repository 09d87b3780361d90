(function () {
  "use strict";
  var config = {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
    toImageButtonOptions: {format: "png", scale: 2}
  };
  var safeLink = /^(#c-[A-Za-z0-9_.-]+|[A-Za-z0-9_.-]+\.html)$/;
  function follow(event) {
    var point = event && event.points && event.points[0];
    var href = point && point.customdata;
    if (typeof href === "string" && safeLink.test(href)) {
      window.location.href = href;
    }
  }
  var blocks = document.querySelectorAll("script.chart-data");
  for (var i = 0; i < blocks.length; i++) {
    var block = blocks[i];
    var div = document.getElementById(block.getAttribute("data-target"));
    if (!div) {
      continue;
    }
    if (typeof window.Plotly === "undefined") {
      div.textContent = "This chart needs plotly.js, which could not be loaded " +
        "(a report written with plotlyjs=\"cdn\" needs network access).";
      div.className += " chart-missing";
      continue;
    }
    var figure = JSON.parse(block.textContent);
    window.Plotly.newPlot(div, figure.data, figure.layout, config).then(function (gd) {
      gd.on("plotly_click", follow);
    });
  }
})();
