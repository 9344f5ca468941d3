#!/usr/bin/env python3
"""Writes the sample city's basemap: stockholm.geojson and helsinki.geojson beside this script.

A light background map for orientation without internet, synthesised around the two districts of
make_sample.py in the same local metres (origin Götgatan x Ringvägen in EPSG:3011, Mannerheimintie x
Arkadiankatu in EPSG:3879), so that the basemap's streets run under the sample's street assets and its
water under the canal parcel. Street names only look real; the grid is regular, not surveyed. Each file is
GeoJSON RFC 7946 (WGS84), features with `class` (water, park, block, street) and `name` (streets, parks,
water). Standard library and GDAL's gdaltransform.

    python3 data/sample/basemap/make_basemap.py
"""
import json
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
STREET_WIDTH = 20  # metres kerb to kerb; blocks start 4 m further (pavement)

CITIES = {
    "stockholm": {
        "crs": "EPSG:3011", "origin": (154350, 6577000), "extent": (-800, -700, 800, 700),
        # (x, name, y from, y to): north-south centre lines
        "ns": [(-580, "Timmermansgatan", -200, 700), (-330, "Swedenborgsgatan", -200, 700),
               (0, "Götgatan", -230, 700), (0, "Skanstullsbron", -330, -230), (0, "Johanneshovsvägen", -700, -330),
               (260, "Södermannagatan", -200, 700), (540, "Renstiernas gata", -200, 700)],
        # (y, name, x from, x to): east-west centre lines
        "ew": [(620, "Kocksgatan", -800, 800), (420, "Allhelgonagatan", -800, 800), (210, "Tullvaktsgränd", -800, 800),
               (20, "Ringvägen", -800, 800), (-215, "Hammarby kaj", -800, 800), (-420, "Hammarby fabriksväg", -800, 800),
               (-600, "Sickla kanalgata", -800, 800)],
        # Hammarby kanal under the sample's canal parcel (y -330..-230), wider west towards Årstaviken.
        "water": [("Hammarby kanal", [(-800, -360), (-400, -340), (-200, -330), (800, -330), (800, -230),
                                      (-200, -230), (-400, -228), (-800, -226)])],
        # Cells between streets that are parks rather than blocks: (x, y) of a point inside.
        "parks": [((-100, -100), "Skanstullsparken"), ((-450, -100), "Eriksdalslunden")],
        "open": [],
        "park_areas": [],
    },
    "helsinki": {
        "crs": "EPSG:3879", "origin": (25496300, 6673600), "extent": (-800, -600, 800, 700),
        "ns": [(-720, "Mechelininkatu", -600, 700), (-480, "Runeberginkatu", -600, 700),
               (-230, "Nervanderinkatu", -600, 700), (0, "Mannerheimintie", -600, 700)],
        "ew": [(650, "Hesperiankatu", -800, 0), (430, "Cygnaeuksenkatu", -800, 0), (210, "Museokatu", -800, 0),
               (10, "Arkadiankatu", -800, 0), (-165, "Pohjoinen Rautatiekatu", -800, 0),
               (-420, "Eteläinen Rautatiekatu", -800, 0)],
        # Töölönlahti east of Töölönlahden puisto (the sample's park is x 15..200).
        "water": [("Töölönlahti", [(420, -250), (560, -300), (800, -280), (800, 700), (520, 700), (430, 420),
                                   (380, 120)])],
        "parks": [],
        # East of Mannerheimintie: the park down to the bay, no blocks.
        "open": [(0, -600, 800, 700)],
        "park_areas": [("Töölönlahden puisto", [(15, -300), (420, -250), (380, 120), (430, 420), (520, 700), (15, 700)])],
    },
}


def local_to_wgs84(city, points):
    """Local metres to WGS84 longitude, latitude (6 decimals, about 0.1 m), in one gdaltransform call."""
    c = CITIES[city]
    ox, oy = c["origin"]
    text = "".join("%r %r\n" % (ox + x, oy + y) for x, y in points)
    out = subprocess.run(["gdaltransform", "-s_srs", c["crs"], "-t_srs", "EPSG:4326", "-output_xy"],
                         input=text, capture_output=True, text=True, check=True).stdout.split("\n")
    return [[round(float(v), 6) for v in line.split()[:2]] for line in out if line.strip()]


def cells(c):
    """
    The rectangles between consecutive street centre lines, each side inset by half a street and the pavement
    where a street runs along it (a side without a street touches the next cell).
    """
    x0, y0, x1, y1 = c["extent"]
    xs = sorted({x0, x1, *(x for x, *_ in c["ns"])})
    ys = sorted({y0, y1, *(y for y, *_ in c["ew"])})
    inset = STREET_WIDTH / 2 + 4

    def ns_street(x, y):
        return any(sx == x and a <= y <= b for sx, _, a, b in c["ns"])

    def ew_street(y, x):
        return any(sy == y and a <= x <= b for sy, _, a, b in c["ew"])

    for a, b in zip(xs, xs[1:]):
        for d, e in zip(ys, ys[1:]):
            mx, my = (a + b) / 2, (d + e) / 2
            yield (a + (inset if ns_street(a, my) else 0), d + (inset if ew_street(d, mx) else 0),
                   b - (inset if ns_street(b, my) else 0), e - (inset if ew_street(e, mx) else 0))


def inside(point, box):
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


def ring_contains(ring, x, y):
    hit = False
    for (ax, ay), (bx, by) in zip(ring, ring[1:] + ring[:1]):
        if (ay > y) != (by > y) and x < ax + (y - ay) * (bx - ax) / (by - ay):
            hit = not hit
    return hit


def features(city):
    c = CITIES[city]
    out = []  # (class, name, geometry type, local coordinates); drawn in this order, water first
    for name, ring in c["water"]:
        out.append(("water", name, "Polygon", ring + ring[:1]))
    for name, ring in c["park_areas"]:
        out.append(("park", name, "Polygon", ring + ring[:1]))
    for box in cells(c):
        centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
        if box[2] - box[0] < 20 or box[3] - box[1] < 20: continue
        if any(ring_contains(ring, *centre) for _, ring in c["water"]): continue
        if any(inside(centre, region) for region in c["open"]): continue
        # A cell that a water body crosses (the canal's quays) is left open, as the quays are.
        if any(ring_contains(ring, x, y) for _, ring in c["water"] for x in (box[0], box[2]) for y in (box[1], box[3])): continue
        park = next((n for p, n in c["parks"] if inside(p, box)), None)
        ring = [(box[0], box[1]), (box[2], box[1]), (box[2], box[3]), (box[0], box[3]), (box[0], box[1])]
        out.append(("park" if park else "block", park, "Polygon", ring))
    for x, name, a, b in c["ns"]:
        out.append(("street", name, "LineString", [(x, a), (x, b)]))
    for y, name, a, b in c["ew"]:
        out.append(("street", name, "LineString", [(a, y), (b, y)]))
    coords = local_to_wgs84(city, [p for *_, pts in out for p in pts])
    result, i = [], 0
    for cls, name, kind, pts in out:
        line = coords[i:i + len(pts)]
        i += len(pts)
        geometry = {"type": kind, "coordinates": [line] if kind == "Polygon" else line}
        result.append({"type": "Feature", "properties": {"class": cls, "name": name}, "geometry": geometry})
    return result


def main():
    for city in CITIES:
        fc = {"type": "FeatureCollection", "name": "basemap-" + city, "features": features(city)}
        with open(os.path.join(HERE, city + ".geojson"), "w", encoding="utf-8") as f:
            json.dump(fc, f, ensure_ascii=False, separators=(",", ":"))
            f.write("\n")
        print("%s.geojson: %d features" % (city, len(fc["features"])))


if __name__ == "__main__":
    main()
