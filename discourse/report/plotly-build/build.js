// Builds ../templates/plotly-discourse.min.js: plotly.js core + the traces the report
// draws.  See README.md in this folder.
const fs = require('fs');
const version = require('plotly.js/package.json').version;
require('esbuild').build({
    entryPoints: [__dirname + '/entry.js'], outfile: __dirname + '/../templates/plotly-discourse.min.js',
    format: 'iife', globalName: 'Plotly', bundle: true, minify: true, sourcemap: false,
    alias: {regl: '@plotly/regl', stream: 'stream-browserify'},
    define: {global: 'window', 'define.amd': 'false', 'process.env.NODE_DEBUG': 'false'},
    target: 'es2016', logLevel: 'warning', legalComments: 'inline',
    loader: {'.css': 'empty'},  // maplibre's stylesheet: map traces are not in this bundle
    banner: {js: `/*! plotly.js v${version} partial bundle for discourse (traces: scatter, bar, box, heatmap, icicle) | (c) Plotly, Inc. | MIT License | https://github.com/plotly/plotly.js */`},
}).then(() => console.log('wrote plotly-discourse.min.js, plotly.js ' + version));
