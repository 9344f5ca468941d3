// The layers page's map: what changed between two versions of a layer, drawn over the layer's serving version (its
// vector tiles, in grey) with OpenLayers, bundled by build.mjs (no CDN). LayersPage.razor hands over the page of
// changes the server found (GeoJSON in WGS84); nothing is compared here.
import Map from 'ol/Map.js';
import View from 'ol/View.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import VectorTileLayer from 'ol/layer/VectorTile.js';
import VectorTileSource from 'ol/source/VectorTile.js';
import TileLayer from 'ol/layer/Tile.js';
import XYZ from 'ol/source/XYZ.js';
import MVT from 'ol/format/MVT.js';
import GeoJSON from 'ol/format/GeoJSON.js';
import { Circle, Fill, Stroke, Style } from 'ol/style.js';
import { fromLonLat } from 'ol/proj.js';
import { createEmpty, extend, isEmpty } from 'ol/extent.js';

// Colours that stay apart for the common colour-blindnesses (and each kind has a line style too).
const colours = { added: '#1a9641', removed: '#d7191c', moved: '#f28e00', changed: '#2c7bb6' };
const geojson = new GeoJSON({ featureProjection: 'EPSG:3857' });

function style(colour, dashed) {
  const stroke = new Stroke({ color: colour, width: dashed ? 2 : 3, lineDash: dashed ? [6, 5] : undefined });
  return new Style({
    stroke,
    fill: new Fill({ color: dashed ? 'rgba(0,0,0,0)' : `${colour}33` }),
    image: new Circle({ radius: dashed ? 5 : 6, stroke, fill: new Fill({ color: dashed ? '#fff' : colour }) }),
  });
}

/** Draws (or redraws) a page of changes: [{ id, kinds, before, after }] with GeoJSON geometries as text. */
export function drawDiff(element, changes, layer, basemap, centre) {
  let state = element.diff;
  if (!state || state.layer !== layer) {
    state?.map.setTarget(undefined);
    const layers = [];
    if (basemap?.type === 'xyz' && basemap.url) layers.push(new TileLayer({ source: new XYZ({ url: basemap.url, attributions: basemap.attribution }) }));
    layers.push(new VectorTileLayer({
      source: new VectorTileSource({ format: new MVT(), url: `/tiles/${encodeURIComponent(layer)}/{z}/{x}/{y}.mvt` }),
      style: new Style({ stroke: new Stroke({ color: '#9aa5b1', width: 1 }), fill: new Fill({ color: 'rgba(154,165,177,0.15)' }),
        image: new Circle({ radius: 3, fill: new Fill({ color: '#9aa5b1' }) }) }),
    }));
    const source = new VectorSource();
    layers.push(new VectorLayer({ source }));
    const map = new Map({ target: element, layers, view: new View({ center: fromLonLat(centre ?? [18.07, 59.31]), zoom: 14 }) });
    state = element.diff = { map, source, layer };
  }
  state.source.clear();
  const extent = createEmpty();
  for (const change of changes) {
    const kind = change.kinds[0];
    // Where it was: dashed (removed in red; moved in orange); where it is: solid in its kind's colour.
    if (change.before && (kind === 'removed' || change.kinds.includes('moved'))) {
      const f = geojson.readFeature({ type: 'Feature', geometry: JSON.parse(change.before) });
      f.setId(`${change.id}#before`);
      f.set('changeId', change.id);
      f.setStyle(style(colours[kind === 'removed' ? 'removed' : 'moved'], kind !== 'removed'));
      state.source.addFeature(f);
      extend(extent, f.getGeometry().getExtent());
    }
    if (change.after) {
      const f = geojson.readFeature({ type: 'Feature', geometry: JSON.parse(change.after) });
      f.setId(change.id);
      f.set('changeId', change.id);
      f.setStyle(style(colours[change.kinds.includes('moved') ? 'moved' : kind], false));
      state.source.addFeature(f);
      extend(extent, f.getGeometry().getExtent());
    }
  }
  if (!isEmpty(extent)) state.map.getView().fit(extent, { padding: [40, 40, 40, 40], maxZoom: 18 });
  element.dataset.features = String(state.source.getFeatures().length);
}

/** Zooms to one change (where it is and where it was). */
export function focusChange(element, id) {
  const state = element.diff;
  if (!state) return;
  const extent = createEmpty();
  for (const f of state.source.getFeatures()) if (f.get('changeId') === id) extend(extent, f.getGeometry().getExtent());
  if (!isEmpty(extent)) state.map.getView().fit(extent, { padding: [60, 60, 60, 60], maxZoom: 19, duration: 250 });
}
