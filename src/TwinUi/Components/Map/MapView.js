// The map of MapView.razor: OpenLayers with the layers' vector tiles from /tiles, their names at close zoom, a
// selection overlay, and a basemap (our own from /tiles/basemap, or a configured WMTS or XYZ service, or none). The component drives it through the handle that create() returns; clicks go back to the
// component's [JSInvokable] OnMapClick. Bundled with OpenLayers and proj4 by build.mjs.
import 'ol/ol.css';
import Map from 'ol/Map.js';
import View from 'ol/View.js';
import VectorTileLayer from 'ol/layer/VectorTile.js';
import VectorTileSource from 'ol/source/VectorTile.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import TileLayer from 'ol/layer/Tile.js';
import XYZ from 'ol/source/XYZ.js';
import WMTS, { optionsFromCapabilities } from 'ol/source/WMTS.js';
import WMTSCapabilities from 'ol/format/WMTSCapabilities.js';
import MVT from 'ol/format/MVT.js';
import GeoJSON from 'ol/format/GeoJSON.js';
import { Circle, Fill, Stroke, Style, Text, RegularShape } from 'ol/style.js';
import Feature from 'ol/Feature.js';
import Point from 'ol/geom/Point.js';
import { fromLonLat, toLonLat, transformExtent } from 'ol/proj.js';
import { buffer, createEmpty, intersects } from 'ol/extent.js';
import { register } from 'ol/proj/proj4.js';
import { defaults as defaultControls, ScaleLine } from 'ol/control.js';
import Translate from 'ol/interaction/Translate.js';
import proj4 from 'proj4';

// National projections the Nordic cities publish their WMTS basemaps in (OpenLayers reprojects their tiles). Made
// known to OpenLayers only when a WMTS basemap is drawn: registering them builds a transform between every pair of
// projections proj4 knows, about half a second before the map could start.
let nationalProjections = false;
function registerNationalProjections() {
  if (nationalProjections) return;
  nationalProjections = true;
  proj4.defs('EPSG:3879', '+proj=tmerc +lat_0=0 +lon_0=25 +k=1 +x_0=25500000 +y_0=0 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs');
  proj4.defs('EPSG:3067', '+proj=utm +zone=35 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs');
  proj4.defs('EPSG:3011', '+proj=tmerc +lat_0=0 +lon_0=18 +k=1 +x_0=150000 +y_0=0 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs');
  proj4.defs('EPSG:3006', '+proj=utm +zone=33 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs');
  register(proj4);
}

// Colours by kind and infrastructure type: distinct, and readable on the light basemap or the plain background.
const kindColours = {
  parcel: '#8a8f98', building: '#b5651d', asset: '#6a3d9a', area: '#1f78b4', contract: '#33a02c', subcontract: '#e31a1c',
};
const typeColours = {
  bridge: '#6a3d9a', street: '#4d4d4d', road: '#4d4d4d', park: '#2e8b57', lighting: '#d4a017', 'street-lighting': '#d4a017',
  playground: '#ff7f00', square: '#9c7a3c', tunnel: '#5d4037', quay: '#00838f',
};
const palette = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#1f78b4', '#b2df8a', '#fb9a99'];

/** A stable colour per organisation key, so that each contractor's areas keep their colour. */
export function colourOf(key) {
  let hash = 0;
  for (const ch of key ?? '') hash = (hash * 31 + ch.charCodeAt(0)) | 0;
  return palette[Math.abs(hash) % palette.length];
}

/**
 * Where a layer version has objects, in EPSG:3857, with a margin for strokes and symbols; an empty extent for a version
 * without geometry (a table of subcontracts, say: nothing to ask for anywhere); undefined when not known (everywhere).
 */
function extentOf(layer) {
  if (layer.bounds?.length === 4) return buffer(transformExtent(layer.bounds, 'EPSG:4326', 'EPSG:3857'), 100);
  return layer.bounds ? createEmpty() : undefined;
}

/**
 * The tiles of all the map's layers from one source: /tiles/{z}/{x}/{y}.mvt?layers=a:1,b:2 names, for each tile, the
 * layers whose extent meets it, with their versions (so the browser keeps the tile for good); no request where none
 * does. The server answers one MVT with a layer for each, named after it: 9 requests for a view of 9 tiles, not 9 per
 * layer.
 */
function layerSetSource(entries) {
  const source = new VectorTileSource({
    format: new MVT(),
    maxZoom: 16,
    tileUrlFunction: (tileCoord) => {
      const tileExtent = source.getTileGrid().getTileCoordExtent(tileCoord);
      const here = entries.filter((e) => e.extent === undefined || intersects(e.extent, tileExtent));
      if (here.length === 0) return undefined;
      const names = here.map((e) => `${encodeURIComponent(e.name)}:${e.version}`).join(',');
      return `/tiles/${tileCoord[0]}/${tileCoord[1]}/${tileCoord[2]}.mvt?layers=${names}`;
    },
  });
  return source;
}

/** The features of a map layer's own MVT layer in an extent (the tiles it draws from hold every layer's). */
function featuresOf(layer, extent) {
  const name = layer.get('twinLayer');
  return layer.getFeaturesInExtent(extent).filter((f) => f.get('layer') === name);
}

/** An object's id, layer:source id: the tile carries the source id, and OpenLayers the MVT layer's name (the layer's). */
function idOf(feature) {
  return `${feature.get('layer')}:${feature.get('source_id')}`;
}

function rgba(hex, alpha) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}

const styleCache = {};
function cached(key, make) {
  return styleCache[key] ?? (styleCache[key] = make());
}

function baseStyle(kind, type, contractor, geometryType) {
  const colour = kind === 'contract' || kind === 'subcontract' ? colourOf(contractor ?? kind) : (typeColours[type] ?? kindColours[kind] ?? '#555');
  return cached(`${kind}|${type}|${contractor}|${geometryType}`, () => {
    if (geometryType === 'Point' || geometryType === 'MultiPoint') {
      return new Style({ image: new Circle({ radius: 5, fill: new Fill({ color: colour }), stroke: new Stroke({ color: '#fff', width: 1.5 }) }) });
    }
    if (geometryType === 'LineString' || geometryType === 'MultiLineString') {
      return new Style({ stroke: new Stroke({ color: colour, width: kind === 'asset' ? 4 : 2 }) });
    }
    switch (kind) {
      case 'parcel': return new Style({ fill: new Fill({ color: 'rgba(255,255,255,0.01)' }), stroke: new Stroke({ color: colour, width: 1 }) });
      case 'building': return new Style({ fill: new Fill({ color: rgba(colour, 0.45) }), stroke: new Stroke({ color: colour, width: 1 }) });
      case 'area': return new Style({ fill: new Fill({ color: rgba(colour, 0.04) }), stroke: new Stroke({ color: colour, width: 2, lineDash: [8, 6] }) });
      case 'contract': return new Style({ fill: new Fill({ color: rgba(colour, 0.14) }), stroke: new Stroke({ color: colour, width: 2 }) });
      case 'subcontract': return new Style({ fill: new Fill({ color: rgba(colour, 0.10) }), stroke: new Stroke({ color: colour, width: 2, lineDash: [2, 4] }) });
      default: return new Style({ fill: new Fill({ color: rgba(colour, 0.5) }), stroke: new Stroke({ color: colour, width: 2 }) });
    }
  });
}

const dimmed = new Style({ stroke: new Stroke({ color: 'rgba(120,120,120,0.25)', width: 1 }) });
const matchStyle = new Style({ fill: new Fill({ color: 'rgba(255,196,0,0.35)' }), stroke: new Stroke({ color: '#ff8f00', width: 3 }) });
const matchPoint = new Style({ image: new Circle({ radius: 7, fill: new Fill({ color: '#ffc400' }), stroke: new Stroke({ color: '#ff8f00', width: 2 }) }) });
const selectedStyle = [
  new Style({ stroke: new Stroke({ color: '#ffffff', width: 7 }) }),
  new Style({ stroke: new Stroke({ color: '#d50000', width: 4 }), fill: new Fill({ color: 'rgba(213,0,0,0.12)' }), image: new Circle({ radius: 9, stroke: new Stroke({ color: '#d50000', width: 4 }) }) }),
];
const gapStyle = new Style({ stroke: new Stroke({ color: '#b00020', width: 2, lineDash: [4, 4] }), fill: new Fill({ color: 'rgba(176,0,32,0.22)' }) });
const overlapStyle = new Style({ stroke: new Stroke({ color: '#6a1b9a', width: 2 }), fill: new Fill({ color: 'rgba(106,27,154,0.30)' }) });
// Case pins by status: new ones stand out, forwarded ones are calmer, sent-back ones are red.
const caseColours = { received: '#d50000', assigned: '#d50000', rejected: '#b00020', forwarded: '#1565c0', in_progress: '#2e7d32' };
// One style per status for the pins not selected (hundreds of them: a new shape each would be a canvas each, per frame).
const pinStyles = {};
function caseStyle(feature) {
  const colour = caseColours[feature.get('status')] ?? '#555';
  const selected = feature.get('selected');
  if (!selected) {
    return pinStyles[colour] ??= new Style({
      image: new RegularShape({ points: 3, radius: 9, rotation: Math.PI, fill: new Fill({ color: colour }), stroke: new Stroke({ color: '#fff', width: 2 }) }),
    });
  }
  return new Style({
    image: new RegularShape({ points: 3, radius: selected ? 13 : 9, rotation: Math.PI, fill: new Fill({ color: colour }), stroke: new Stroke({ color: '#fff', width: 2 }) }),
    text: selected ? new Text({ text: feature.get('number'), offsetY: -18, font: 'bold 12px system-ui', fill: new Fill({ color: '#111' }), stroke: new Stroke({ color: '#fff', width: 3 }) }) : undefined,
  });
}
const coverageStyle = new Style({ stroke: new Stroke({ color: '#0d47a1', width: 3, lineDash: [10, 5] }), fill: new Fill({ color: 'rgba(13,71,161,0.10)' }) });

// Names are drawn only this close (zoom 17, about 1 m a pixel): at city zoom they would hide the map. Street names of
// the basemap come a little earlier. Labels of every layer are decluttered together; objects' names win over streets'.
const LABEL_ZOOM = 17;
const STREET_LABEL_ZOOM = 15;
const labelKinds = new Set(['building', 'asset']);

function labelText(text, placement) {
  return new Text({
    // overflow: a building is often narrower than its name; decluttering keeps names from covering each other.
    text, placement, font: '12px system-ui, sans-serif', overflow: true, maxAngle: Math.PI / 6,
    fill: new Fill({ color: '#1a1a1a' }), stroke: new Stroke({ color: 'rgba(255,255,255,0.95)', width: 3 }),
  });
}

/** The name an object is labelled with at close zoom, or null: buildings and assets (not points, not areas). */
function labelOf(feature) {
  const type = feature.getGeometry().getType();
  return labelKinds.has(feature.get('kind')) && !type.includes('Point') ? (feature.get('name') ?? null) : null;
}

// One label style, its text set per feature as it is drawn (OpenLayers' own pattern for labels): no new style, text,
// fill and stroke for each of a dense city's names in every frame.
const objectLabel = new Style({ text: labelText('', 'point') });
function objectLabelStyle(feature) {
  const text = labelOf(feature);
  if (!text) return null;
  objectLabel.getText().setText(text);
  return objectLabel;
}

// The sample city's own basemap (/tiles/basemap): light, so that the layers stay what one sees first.
const basemapStyles = {
  water: [new Style({ fill: new Fill({ color: '#cfe2f0' }) })],
  park: [new Style({ fill: new Fill({ color: '#e2eedb' }) })],
  block: [new Style({ fill: new Fill({ color: '#eeebe5' }), stroke: new Stroke({ color: '#e0dcd3', width: 1 }) })],
  street: [new Style({ stroke: new Stroke({ color: '#d3cfc6', width: 8 }) }), new Style({ stroke: new Stroke({ color: '#ffffff', width: 6 }) })],
};
const basemapColours = { water: '#cfe2f0', park: '#e2eedb', block: '#eeebe5', street: '#ffffff' };

function streetLabelStyle(feature) {
  const name = feature.get('class') === 'street' ? feature.get('name') : null;
  if (!name) return null;
  const text = labelText(name, 'line');
  text.getFill().setColor('#5f5a52');
  return new Style({ text });
}

/** The sample city's basemap from our own tiles: shapes at the bottom, street names with the labels. */
function ownBasemap(map) {
  const source = new VectorTileSource({ format: new MVT(), url: '/tiles/basemap/{z}/{x}/{y}.mvt', maxZoom: 16 });
  const shapes = new VectorTileLayer({ source, style: (f) => basemapStyles[f.get('class')], zIndex: 0, renderMode: 'hybrid' });
  shapes.set('basemap', 'own');
  const names = new VectorTileLayer({ source, style: streetLabelStyle, zIndex: 950, minZoom: STREET_LABEL_ZOOM, declutter: 'labels' });
  names.set('labels', 'basemap');
  map.addLayer(shapes);
  map.addLayer(names);
  return { shapes, names };
}

performance.mark('twin:module-evaluated');

// The map started from the page as the server first sent it, before Blazor's circuit is up (see start), waiting for
// the component to adopt it.
let early = null;

/**
 * Starts the map in the page as the server sent it, from the element's data-options and data-layers, so that the map
 * is drawn while Blazor's circuit still connects (twin.js calls it as soon as the page is parsed; a handler's first
 * complete map should not wait for the circuit). Clicks wait for the component, which adopts this map in create.
 */
export function start(element) {
  if (early || element.twinMap) return;
  const handle = build(element, null, JSON.parse(element.dataset.options ?? '{}'));
  handle.setLayers(JSON.parse(element.dataset.layers ?? '[]'));
  early = { handle };
}

/**
 * Creates the map in `element`, or adopts the one start() drew before the circuit (moved into the component's
 * element, with its view and loaded tiles). `dotnet` is the component's reference; `options.basemap` is null or
 * { type: 'own' } (our own tiles, /tiles/basemap), { type: 'none' } (a plain background),
 * { type: 'xyz', url, attribution, maxZoom } or { type: 'wmts', capabilitiesUrl, layer, matrixSet, attribution }.
 */
export function create(element, dotnet, options) {
  if (early && !early.adopted) {
    early.adopted = true;
    return early.handle.adopt(element, dotnet);
  }
  early = { adopted: true };
  return build(element, dotnet, options);
}

function build(mapElement, dotnetReference, options) {
  let element = mapElement;
  let dotnet = dotnetReference;
  // What the handler did on a map started before the circuit (a click, a dragged pin), kept for the component that
  // adopts it: the map is drawn before it can answer, and a click then must not be lost.
  const waiting = [];
  const call = (method, ...args) => (dotnet ? dotnet.invokeMethodAsync(method, ...args) : waiting.push([method, args]));
  const state = { layers: new globalThis.Map(), labels: new globalThis.Map(), filter: null, lastPixel: null, cycle: 0, basemap: null, source: null, sourceKey: null };
  const selection = new VectorSource();
  const coverage = new VectorSource();
  const problems = new VectorSource();
  const cases = new VectorSource();
  const caseLayer = new VectorLayer({ source: cases, style: caseStyle, zIndex: 1100 });
  const geojson = new GeoJSON({ dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' });

  const map = new Map({
    target: element,
    // Every tile in view asked for at once (OpenLayers' default is 16 at a time; a view over a dozen layers needs more):
    // the browser queues them on its own connections, and the first complete map waits for the slowest only.
    maxTilesLoading: 64,
    controls: defaultControls({ attributionOptions: { collapsible: true } }).extend([new ScaleLine()]),
    layers: [
      new VectorLayer({ source: problems, style: (f) => (f.get('problem') === 'gap' ? gapStyle : overlapStyle), zIndex: 800 }),
      new VectorLayer({ source: coverage, style: coverageStyle, zIndex: 900 }),
      new VectorLayer({ source: selection, style: selectedStyle, zIndex: 1000 }),
      caseLayer,
    ],
    view: new View({ center: fromLonLat(options.center ?? [18.07, 59.31]), zoom: options.zoom ?? 14, maxZoom: 21 }),
  });
  const basemapType = options.basemap?.type ?? 'own';
  if (basemapType === 'own') state.basemap = ownBasemap(map);
  else if (basemapType !== 'none') addBasemap(map, options.basemap);

  // The selected case's pin can be dragged to where the problem really is; the page re-routes it.
  const drag = new Translate({ layers: [caseLayer], filter: (f) => f.get('selected') === true, hitTolerance: 4 });
  drag.on('translateend', (event) => {
    const pin = event.features.item(0);
    if (!pin) return;
    const [lon, lat] = toLonLat(pin.getGeometry().getCoordinates());
    call('OnCaseMoved', pin.get('caseId'), lon, lat);
  });
  map.addInteraction(drag);

  // Marks on the page's timeline (./twin bench tiles --detail prints them beside the requests).
  performance.mark('twin:map-created');
  let first = true;
  map.on('rendercomplete', () => {
    element.dataset.rendered = String(Number(element.dataset.rendered ?? 0) + 1);
    if (first) {
      first = false;
      // When the first complete map was drawn, in ms since the page began to load (./twin bench tiles reads it).
      element.dataset.readyAt = String(Math.round(performance.now()));
      element.dataset.mapReady = 'true';
    }
  });

  // 'click', not 'singleclick': singleclick waits 250 ms to rule out a double click, and the panel should answer at once.
  map.on('click', (event) => {
    // A case's pin first: selecting a case is what the handler meant.
    const pin = map.forEachFeatureAtPixel(event.pixel, (f) => f, { hitTolerance: 4, layerFilter: (l) => l === caseLayer });
    if (pin) {
      call('OnCaseClicked', pin.get('caseId'));
      return;
    }
    // The features under the cursor, most specific first (as product contract 3 orders a stack); a second click on the same
    // spot takes the next one, so that one can click through a bridge to the parcel beneath.
    const hits = [];
    map.forEachFeatureAtPixel(event.pixel, (feature) => {
      const id = idOf(feature);
      if (!hits.some((h) => h.id === id)) hits.push({ id, kind: feature.get('kind') });
    }, { hitTolerance: 3, layerFilter: (l) => l.get('twinLayer') !== undefined });
    const rank = { asset: 0, building: 1, parcel: 2 };
    const targets = hits.filter((h) => h.kind in rank).sort((a, b) => rank[a.kind] - rank[b.kind]);
    const same = state.lastPixel && Math.hypot(state.lastPixel[0] - event.pixel[0], state.lastPixel[1] - event.pixel[1]) < 4;
    state.cycle = same && targets.length > 0 ? (state.cycle + 1) % targets.length : 0;
    state.lastPixel = event.pixel;
    const [lon, lat] = toLonLat(event.coordinate);
    const target = targets.length > 0 ? targets[state.cycle].id : null;
    call('OnMapClick', lon, lat, target);
  });

  function styleFor(feature) {
    const base = baseStyle(feature.get('kind'), feature.get('type'), feature.get('contractor') ?? feature.get('subcontractor'), feature.getGeometry().getType());
    const filter = state.filter;
    if (!filter) return base;
    const matches = matchesFilter(feature, filter);
    if (matches) return feature.getGeometry().getType().includes('Point') ? matchPoint : [base, matchStyle];
    return filter.hideOthers ? null : dimmed;
  }

  const handle = {
    /** The loaded layers, [{ name, kind, version, bounds, visible }], in drawing order (first at the bottom). */
    setLayers(layers) {
      if (state.layers.size === 0) performance.mark('twin:layers-set');
      for (const [name, layer] of state.layers) {
        if (!layers.some((l) => l.name === name)) {
          map.removeLayer(layer);
          map.removeLayer(state.labels.get(name));
          state.layers.delete(name);
          state.labels.delete(name);
        }
      }
      const entries = layers.map((l) => ({ name: l.name, version: l.version, extent: extentOf(l) }));
      // One source for every layer, asked again only when a layer or its version changes: each tile is one request
      // with the layers that have something there, drawn in one go as it comes.
      const key = entries.map((e) => `${e.name}:${e.version}`).join(',');
      if (key !== state.sourceKey) {
        state.sourceKey = key;
        state.source = layerSetSource(entries);
        for (const layer of [...state.layers.values(), ...state.labels.values()]) layer.setSource(state.source);
      }
      entries.forEach(({ name, version, extent }, index) => {
        let layer = state.layers.get(name);
        if (!layer) {
          // Each layer draws its own MVT layer of the shared tiles (OpenLayers names it in the feature's 'layer').
          layer = new VectorTileLayer({
            source: state.source,
            style: (f) => (f.get('layer') === name ? styleFor(f) : null),
            declutter: false,
            renderMode: 'hybrid',
          });
          layer.set('twinLayer', name);
          map.addLayer(layer);
          state.layers.set(name, layer);
          // The objects' names at close zoom: a layer of their own on the same tiles, above every layer's shapes, so
          // that names never hide or hold back a shape (decluttering drops only names) and clicks never pick a name.
          const labels = new VectorTileLayer({
            source: state.source,
            style: (f) => (f.get('layer') === name ? objectLabelStyle(f) : null),
            minZoom: LABEL_ZOOM,
            declutter: 'labels',
          });
          labels.set('labels', name);
          map.addLayer(labels);
          state.labels.set(name, labels);
        }
        // Drawn only where the version has objects: no tile is asked for, or drawn, elsewhere.
        layer.setExtent(extent);
        layer.set('version', version);
        layer.setZIndex(10 + index);
        layer.setVisible(layers[index].visible);
        const labels = state.labels.get(name);
        labels.setExtent(extent);
        labels.setZIndex(960 + index);
        labels.setVisible(layers[index].visible);
      });
    },

    setVisible(name, visible) {
      state.layers.get(name)?.setVisible(visible);
      state.labels.get(name)?.setVisible(visible);
    },

    /** Highlights what matches { types, organisation, role, ids } and dims the rest; null shows everything as it is. */
    setFilter(filter) {
      state.filter = filter;
      for (const layer of state.layers.values()) layer.changed();
    },

    /** The selected object (GeoJSON in WGS84) and the recipient's coverage (GeoJSON or null). */
    showSelection(selected, recipientCoverage) {
      selection.clear();
      coverage.clear();
      if (selected) selection.addFeature(geojson.readFeature({ type: 'Feature', geometry: JSON.parse(selected) }));
      if (recipientCoverage) coverage.addFeature(geojson.readFeature({ type: 'Feature', geometry: JSON.parse(recipientCoverage) }));
    },

    /** Coverage gaps and contract overlaps for the selected task (GeoJSON strings, WGS84); empty lists clear them. */
    showProblems(gaps, overlaps) {
      problems.clear();
      for (const g of gaps) {
        const feature = geojson.readFeature({ type: 'Feature', geometry: JSON.parse(g) });
        feature.set('problem', 'gap');
        problems.addFeature(feature);
      }
      for (const o of overlaps) {
        const feature = geojson.readFeature({ type: 'Feature', geometry: JSON.parse(o) });
        feature.set('problem', 'overlap');
        problems.addFeature(feature);
      }
    },

    /** The inbox's cases as pins, [{ id, number, lon, lat, status }]; the selected one larger. */
    showCases(list, selectedId) {
      cases.clear();
      for (const c of list) {
        const feature = new Feature({ geometry: new Point(fromLonLat([c.lon, c.lat])) });
        feature.setProperties({ caseId: c.id, number: c.number, status: c.status, selected: c.id === selectedId });
        cases.addFeature(feature);
      }
    },

    /** The pixel of a case's pin by its number (for tests), or null; null while the view still flies. */
    casePixel(number) {
      const pin = cases.getFeatures().find((f) => f.get('number') === number);
      return pin && !map.getView().getAnimating() ? map.getPixelFromCoordinate(pin.getGeometry().getCoordinates()) : null;
    },

    /** The case number of the pin at a pixel (relative to the map element), or null: a click there selects that case. */
    caseAt(x, y) {
      return map.forEachFeatureAtPixel([x, y], (f) => f.get('number'), { hitTolerance: 4, layerFilter: (l) => l === caseLayer }) ?? null;
    },

    /** How many gaps and overlaps are drawn (for tests). */
    problemCounts() {
      const all = problems.getFeatures();
      return { gaps: all.filter((f) => f.get('problem') === 'gap').length, overlaps: all.filter((f) => f.get('problem') === 'overlap').length };
    },

    /** Shows a GeoJSON geometry (WGS84) whole, or a point at a street-level zoom. */
    flyTo(geometry) {
      const feature = geojson.readFeature({ type: 'Feature', geometry: JSON.parse(geometry) });
      const extent = feature.getGeometry().getExtent();
      map.getView().fit(extent, { padding: [80, 80, 80, 80], maxZoom: 18, duration: 400 });
    },

    center() {
      return toLonLat(map.getView().getCenter());
    },

    /** The page pixel (relative to the map element) of a WGS84 point: for tests and for pins. */
    pixelOf(lon, lat) {
      return map.getPixelFromCoordinate(fromLonLat([lon, lat]));
    },

    /** The ids of the drawn objects in view, of the visible layers; with `highlighted`, only those the filter matches. */
    featureIds(highlighted) {
      const extent = map.getView().calculateExtent(map.getSize());
      const ids = new Set();
      for (const layer of state.layers.values()) {
        if (!layer.getVisible()) continue;
        for (const feature of featuresOf(layer, extent)) {
          if (!highlighted || (state.filter && matchesFilter(feature, state.filter))) ids.add(idOf(feature));
        }
      }
      return [...ids].sort();
    },

    /** Shows a WGS84 point at a zoom at once (for tests: labels come at close zoom). */
    zoomTo(lon, lat, zoom) {
      map.getView().setCenter(fromLonLat([lon, lat]));
      map.getView().setZoom(zoom);
    },

    zoom() {
      return map.getView().getZoom();
    },

    /** Which basemap is drawn and, for our own, how many of its features of each class are drawn in view. */
    basemap() {
      if (!state.basemap) return { type: basemapType, features: {} };
      const features = {};
      for (const f of state.basemap.shapes.getFeaturesInExtent(map.getView().calculateExtent(map.getSize()))) {
        features[f.get('class')] = (features[f.get('class')] ?? 0) + 1;
      }
      return { type: basemapType, features };
    },

    /** The names drawn as labels in view at this zoom (objects' and streets'), sorted; none below the labels' zoom. */
    labels() {
      const view = map.getView();
      const extent = view.calculateExtent(map.getSize());
      const names = new Set();
      const labelLayers = [...state.labels.values()].map((l) => [l, (f) => (f.get('layer') === l.get('labels') ? labelOf(f) : null)]);
      if (state.basemap) labelLayers.push([state.basemap.names, (f) => (f.get('class') === 'street' ? f.get('name') : null)]);
      for (const [layer, text] of labelLayers) {
        if (!layer.isVisible(view)) continue;
        for (const f of layer.getFeaturesInExtent(extent)) {
          const name = text(f);
          if (name) names.add(name);
        }
      }
      return [...names].sort();
    },

    /** The colours the map draws with, for the legend: by type, case status, basemap class, and the contractors of the areas in view. */
    legend() {
      const contractors = new Set();
      const extent = map.getView().calculateExtent(map.getSize());
      for (const layer of state.layers.values()) {
        if (!layer.getVisible()) continue;
        for (const f of featuresOf(layer, extent)) {
          const key = f.get('kind') === 'contract' ? f.get('contractor') : f.get('kind') === 'subcontract' ? f.get('subcontractor') : null;
          if (key) contractors.add(key);
        }
      }
      return {
        types: typeColours,
        cases: caseColours,
        basemap: state.basemap ? basemapColours : {},
        contractors: Object.fromEntries([...contractors].sort().map((k) => [k, colourOf(k)])),
      };
    },

    dispose() {
      map.setTarget(null);
    },

    /** Hands over what the handler did before the page was ready for it (the page calls this once it is: GoLiveAsync). */
    flush() {
      for (const [method, args] of waiting.splice(0)) dotnet?.invokeMethodAsync(method, ...args);
      // The map answers clicks from here on (tests and ./twin bench tiles wait for this before clicking).
      element.dataset.mapLive = 'true';
    },

    /** Moves the map started before the circuit into the component's element and gives it the component to call. */
    adopt(into, dotnetReference) {
      dotnet = dotnetReference;
      if (into !== element) {
        for (const key of ['readyAt', 'mapReady', 'rendered']) {
          if (element.dataset[key] !== undefined) into.dataset[key] = element.dataset[key];
        }
        delete element.twinMap;
        element = into;
        map.setTarget(into);
        into.twinMap = handle;
      }
      return handle;
    },
  };
  // The map element carries its handle, so that browser tests can ask where a place is drawn and what is shown.
  element.twinMap = handle;
  return handle;
}

function matchesFilter(feature, filter) {
  if (filter.ids && filter.ids.length > 0 && !filter.ids.includes(idOf(feature))) return false;
  if (filter.types && filter.types.length > 0 && !filter.types.includes(feature.get('type'))) return false;
  if (filter.organisation) {
    // A contractor maintains through its contracts and its subcontracts alike: the list finds both, so the map does.
    const roles = filter.role === 'contractor' ? ['contractor', 'subcontractor']
      : filter.role ? [filter.role] : ['owner', 'manager', 'contractor', 'subcontractor', 'commissioner'];
    if (!roles.some((r) => feature.get(r) === filter.organisation)) return false;
  }
  return true;
}

// The page sends no Referer (Referrer-Policy: no-referrer); a city's or OpenStreetMap's tile service is told our
// origin only, as OpenStreetMap's tile usage policy asks of browsers, and never the page's path.
const tileReferrer = 'strict-origin';

async function addBasemap(map, basemap) {
  let source;
  if (basemap.type === 'wmts') {
    registerNationalProjections();
    const response = await fetch(basemap.capabilitiesUrl, { referrerPolicy: tileReferrer });
    const capabilities = new WMTSCapabilities().read(await response.text());
    const wmtsOptions = optionsFromCapabilities(capabilities, { layer: basemap.layer, matrixSet: basemap.matrixSet });
    source = new WMTS({ ...wmtsOptions, attributions: basemap.attribution, referrerPolicy: tileReferrer });
  } else {
    source = new XYZ({ url: basemap.url, attributions: basemap.attribution, maxZoom: Number(basemap.maxZoom ?? 19), referrerPolicy: tileReferrer });
  }
  const layer = new TileLayer({ source, zIndex: 0 });
  layer.set('basemap', true);
  map.addLayer(layer);
}
