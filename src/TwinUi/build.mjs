// Bundles the map's interop module (Components/Map/MapView.js) with OpenLayers and proj4, the reports page's
// (Components/Reports/ReportView.js) with OpenLayers and Chart.js, and the layers page's (Components/Layers/LayersView.js)
// with OpenLayers, into wwwroot/map, which the server serves as /_content/TwinUi/map/. Run by build/NpmBundle.targets
// before every build whose inputs changed; the output is generated, so it is not in git.
import * as esbuild from 'esbuild';

await esbuild.build({
  entryPoints: { mapview: 'Components/Map/MapView.js', reports: 'Components/Reports/ReportView.js', layers: 'Components/Layers/LayersView.js' },
  outdir: 'wwwroot/map',
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  format: 'esm',
  target: 'es2022',
  logLevel: 'warning',
});
