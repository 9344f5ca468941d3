// The reports page's drawing: charts with Chart.js and the heat map with OpenLayers, both from npm and bundled by
// build.mjs (no CDN); OpenLayers' style sheet comes with the map's (App.razor). ReportsPage.razor hands over the numbers
// the server counted; nothing is counted here.
import Map from 'ol/Map.js';
import View from 'ol/View.js';
import HeatmapLayer from 'ol/layer/Heatmap.js';
import VectorSource from 'ol/source/Vector.js';
import VectorTileLayer from 'ol/layer/VectorTile.js';
import VectorTileSource from 'ol/source/VectorTile.js';
import TileLayer from 'ol/layer/Tile.js';
import XYZ from 'ol/source/XYZ.js';
import MVT from 'ol/format/MVT.js';
import Feature from 'ol/Feature.js';
import Point from 'ol/geom/Point.js';
import { Stroke, Style } from 'ol/style.js';
import { fromLonLat } from 'ol/proj.js';
import { boundingExtent } from 'ol/extent.js';
import {
  Chart, BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip,
} from 'chart.js';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);

const colours = ['#1f78b4', '#e31a1c', '#33a02c', '#ff7f00', '#6a3d9a', '#b15928'];

/** Draws (or redraws) a bar or line chart on a canvas: labels along the axis, one dataset per series. */
export function drawChart(canvas, kind, labels, series) {
  const data = {
    labels,
    datasets: series.map((s, i) => ({
      label: s.label, data: s.values, backgroundColor: colours[i % colours.length], borderColor: colours[i % colours.length], tension: 0.2,
    })),
  };
  if (canvas.chart && canvas.chart.config.type === kind) {
    canvas.chart.data = data;
    canvas.chart.update();
  } else {
    canvas.chart?.destroy();
    canvas.chart = new Chart(canvas, {
      type: kind,
      data,
      options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true } }, plugins: { legend: { display: series.length > 1 } } },
    });
  }
  canvas.dataset.drawn = String(labels.length);
}

/** The heat map: cells' centres weighted by their share of the fullest cell, over the area layers' outlines. */
export function drawHeatmap(element, cells, areaLayers, basemap, centre) {
  let state = element.heat;
  if (!state) {
    const layers = [];
    if (basemap?.type === 'xyz' && basemap.url) layers.push(new TileLayer({ source: new XYZ({ url: basemap.url, attributions: basemap.attribution }) }));
    for (const name of areaLayers) {
      layers.push(new VectorTileLayer({
        source: new VectorTileSource({ format: new MVT(), url: `/tiles/${encodeURIComponent(name)}/{z}/{x}/{y}.mvt` }),
        style: new Style({ stroke: new Stroke({ color: '#1f78b4', width: 1.5, lineDash: [6, 4] }) }),
      }));
    }
    const source = new VectorSource();
    const heat = new HeatmapLayer({ source, blur: 18, radius: 12, weight: (f) => f.get('weight') });
    layers.push(heat);
    const map = new Map({ target: element, layers, view: new View({ center: fromLonLat(centre ?? [18.07, 59.31]), zoom: 13 }) });
    state = element.heat = { map, source };
  }
  state.source.clear();
  const max = cells.reduce((m, c) => Math.max(m, c.cases), 0) || 1;
  state.source.addFeatures(cells.map((c) => new Feature({ geometry: new Point(fromLonLat([c.lon, c.lat])), weight: Math.sqrt(c.cases / max) })));
  if (cells.length > 0) {
    const extent = boundingExtent(cells.map((c) => fromLonLat([c.lon, c.lat])));
    state.map.getView().fit(extent, { padding: [40, 40, 40, 40], maxZoom: 16 });
  }
  element.dataset.cells = String(cells.length);
}

/** Offers text as a file to save (the CSV exports). */
export function download(filename, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
