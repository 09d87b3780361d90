'use strict';
// discourse report bundle: plotly.js core + the trace types the report pages use.
var Plotly = require('plotly.js/lib/core');
Plotly.register([
    require('plotly.js/lib/scatter'),
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/box'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/icicle')
]);
module.exports = Plotly;
