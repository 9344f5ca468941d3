#!/usr/bin/env python3
"""Builds the DigitalTwin sample city in data/sample/ and checks it.

    python3 data/sample/make_sample.py            # write every file, then check
    python3 data/sample/make_sample.py --check    # only check the files already there

Standard library only; GDAL's command-line tools (ogr2ogr, ogrinfo, gdaltransform)
write the binary formats and read everything back for the checks.

Every coordinate is defined below in metres relative to a district origin
(x east, y north), then shifted to the district's native CRS:

* Stockholm, Skanstull on Södermalm, EPSG:3011 (SWEREF 99 18 00);
  origin = Götgatan x Ringvägen.
* Helsinki, Etu-Töölö by Töölönlahti, EPSG:3879 (ETRS-GK25);
  origin = Mannerheimintie by Arkadiankatu.

The check step reads every layer back as the importer would (manifest + mapping
file), checks CRS, feature counts, geometry validity (SpatiaLite ST_IsValid),
that parcels tile each district, that buildings lie inside one parcel, then
resolves every story with a small reference implementation of product contract section 3
and compares it with the expectation written here. README.md (with the story
table) is written from those resolved results.
"""
import csv
import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TODAY = "2026-11-24"
TOLERANCE = 10.0  # metres, product contract section 3 default

DISTRICTS = {
    "sthlm": {"crs": "EPSG:3011", "origin": (154350, 6577000), "name": "Stockholm (Skanstull)"},
    "hki": {"crs": "EPSG:3879", "origin": (25496300, 6673600), "name": "Helsinki (Etu-Töölö)"},
}
DEFAULT_CONTACT = "kontaktcenter"

# ---------------------------------------------------------------- geometry helpers


def rect(x0, y0, x1, y1):
    return {"type": "Polygon", "coordinates": [[(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]]}


def poly(*pts):
    ring = list(pts)
    if ring[0] != ring[-1]:
        ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def multi(*polys):
    return {"type": "MultiPolygon", "coordinates": [p["coordinates"] for p in polys]}


def point(x, y):
    return {"type": "Point", "coordinates": (x, y)}


def polygons_of(g):
    if g is None:
        return []
    if g["type"] == "Polygon":
        return [g["coordinates"]]
    if g["type"] == "MultiPolygon":
        return list(g["coordinates"])
    return []


def ring_area(ring):
    return sum(ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1] for i in range(len(ring) - 1)) / 2.0


def geom_area(g):
    return sum(abs(ring_area(p[0])) - sum(abs(ring_area(h)) for h in p[1:]) for p in polygons_of(g))


def ccw(g):
    """Exterior rings counter-clockwise, holes clockwise (RFC 7946 and OGC friendly)."""
    def fix(p):
        out = []
        for i, r in enumerate(p):
            a = ring_area(r)
            if (i == 0 and a < 0) or (i > 0 and a > 0):
                r = list(reversed(r))
            out.append(r)
        return out
    if g["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": fix(g["coordinates"])}
    if g["type"] == "MultiPolygon":
        return {"type": "MultiPolygon", "coordinates": [fix(p) for p in g["coordinates"]]}
    return g


def shift(g, origin):
    ox, oy = origin
    if g is None:
        return None
    if g["type"] == "Point":
        x, y = g["coordinates"]
        return {"type": "Point", "coordinates": [x + ox, y + oy]}
    f = lambda r: [[x + ox, y + oy] for x, y in r]
    if g["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [f(r) for r in g["coordinates"]]}
    return {"type": "MultiPolygon", "coordinates": [[f(r) for r in p] for p in g["coordinates"]]}


def node(geoms):
    """Insert into every ring edge the vertices of the other geometries that lie on it,
    so shared boundaries have identical vertices (no T-junctions, no slivers after
    reprojection)."""
    verts = set()
    for g in geoms:
        if g is None:
            continue
        if g["type"] == "Point":
            continue
        for p in polygons_of(g):
            for r in p:
                verts.update((x, y) for x, y in r)
    verts = sorted(verts)

    def on_seg(a, b, v):
        (ax, ay), (bx, by), (vx, vy) = a, b, v
        if (bx - ax) * (vy - ay) - (by - ay) * (vx - ax) != 0:
            return False
        if v == a or v == b:
            return False
        return min(ax, bx) <= vx <= max(ax, bx) and min(ay, by) <= vy <= max(ay, by)

    def node_ring(r):
        out = [r[0]]
        for a, b in zip(r, r[1:]):
            extra = [v for v in verts if on_seg(a, b, v)]
            extra.sort(key=lambda v: (v[0] - a[0]) ** 2 + (v[1] - a[1]) ** 2)
            out.extend(extra)
            out.append(b)
        return out

    result = []
    for g in geoms:
        if g is None or g["type"] == "Point":
            result.append(g)
        elif g["type"] == "Polygon":
            result.append({"type": "Polygon", "coordinates": [node_ring(r) for r in g["coordinates"]]})
        else:
            result.append({"type": "MultiPolygon",
                           "coordinates": [[node_ring(r) for r in p] for p in g["coordinates"]]})
    return result


def wkt(g):
    fmt = lambda r: "(" + ", ".join("%s %s" % (num(x), num(y)) for x, y in r) + ")"
    if g is None:
        return ""
    if g["type"] == "Point":
        return "POINT (%s %s)" % tuple(num(c) for c in g["coordinates"])
    if g["type"] == "Polygon":
        return "POLYGON (" + ", ".join(fmt(r) for r in g["coordinates"]) + ")"
    return "MULTIPOLYGON (" + ", ".join("(" + ", ".join(fmt(r) for r in p) + ")" for p in g["coordinates"]) + ")"


def num(v):
    return str(int(v)) if float(v).is_integer() else repr(float(v))


# point-in-polygon / distance, used by the reference resolver


def pip_ring(x, y, ring):
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y):
            xi = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < xi:
                inside = not inside
    return inside


def seg_dist(px, py, a, b):
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    L = dx * dx + dy * dy
    t = 0 if L == 0 else max(0, min(1, ((px - ax) * dx + (py - ay) * dy) / L))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def covers(g, x, y):
    for p in polygons_of(g):
        if pip_ring(x, y, p[0]) and not any(pip_ring(x, y, h) for h in p[1:]):
            return True
        if any(seg_dist(x, y, a, b) == 0 for r in p for a, b in zip(r, r[1:])):
            return True
    return False


def distance(g, x, y):
    if g is None:
        return float("inf")
    if g["type"] == "Point":
        gx, gy = g["coordinates"][:2]
        return math.hypot(gx - x, gy - y)
    if covers(g, x, y):
        return 0.0
    return min(seg_dist(x, y, a, b) for p in polygons_of(g) for r in p for a, b in zip(r, r[1:]))


# ---------------------------------------------------------------- organisations and task types

WH = "http://127.0.0.1:5099/webhooks/"
O311 = "http://127.0.0.1:5099/open311/"


def org(key, kind, fi, sv, en, webhook="", open311="", email=""):
    return {"key": key, "kind": kind, "name_fi": fi, "name_sv": sv, "name_en": en,
            "webhook_url": webhook, "open311_endpoint": open311, "email": email}


ORGANISATIONS = [
    # default contact (the configuration names it)
    org("kontaktcenter", "administration", "Asiakaspalvelukeskus", "Kontaktcenter", "Contact centre",
        email="kontaktcenter@example.org"),
    # Stockholm administrations and companies
    org("trafikkontoret", "administration", "Tukholman liikennevirasto", "Trafikkontoret",
        "Traffic Administration", email="trafikkontoret@example.org"),
    org("exploateringskontoret", "administration", "Tukholman maankäyttövirasto", "Exploateringskontoret",
        "Development Administration", email="exploateringskontoret@example.org"),
    org("stadsdelsforvaltning-sodermalm", "administration", "Södermalmin kaupunginosahallinto",
        "Södermalms stadsdelsförvaltning", "Södermalm District Administration",
        email="sodermalm.parkmiljo@example.org"),
    org("idrottsforvaltningen", "administration", "Tukholman liikuntavirasto", "Idrottsförvaltningen",
        "Sports Administration", email="idrottsforvaltningen@example.org"),
    org("soderbostader", "company", "Söderbostäder AB", "Söderbostäder AB", "Söderbostäder AB (housing company)",
        email="felanmalan@soderbostader.example.org"),
    org("brf-tullvakten-2", "private", "Brf Tullvakten 2", "Bostadsrättsföreningen Tullvakten 2",
        "Tullvakten 2 housing cooperative", email="styrelsen@brf-tullvakten-2.example.org"),
    # Stockholm contractors
    org("brounderhall-norden", "contractor", "Brounderhåll Norden AB", "Brounderhåll Norden AB",
        "Brounderhåll Norden AB (bridge maintenance)", open311=O311 + "brounderhall-norden/v2"),
    org("klotterfritt", "contractor", "Klotterfritt Stockholm AB", "Klotterfritt Stockholm AB",
        "Klotterfritt Stockholm AB (graffiti removal)", webhook=WH + "klotterfritt"),
    org("gatudrift-soder", "contractor", "Gatudrift Söder AB", "Gatudrift Söder AB",
        "Gatudrift Söder AB (street operations)", webhook=WH + "gatudrift-soder"),
    org("vag-anlaggning-malardalen", "contractor", "Väg & Anläggning Mälardalen AB",
        "Väg & Anläggning Mälardalen AB", "Väg & Anläggning Mälardalen AB (roads and civil works)",
        open311=O311 + "vag-anlaggning-malardalen/v2"),
    org("ljusteknik-sthlm", "contractor", "Ljusteknik i Stockholm AB", "Ljusteknik i Stockholm AB",
        "Ljusteknik i Stockholm AB (street lighting)", email="drift@ljusteknik-sthlm.example.org"),
    org("gronyta-entreprenad", "contractor", "Grönyta Entreprenad AB", "Grönyta Entreprenad AB",
        "Grönyta Entreprenad AB (park maintenance)", email="order@gronyta.example.org"),
    org("parkservice-soder", "contractor", "Parkservice Söder AB", "Parkservice Söder AB",
        "Parkservice Söder AB (park maintenance)", webhook=WH + "parkservice-soder"),
    org("stadstradgard-norden", "contractor", "Stadsträdgård Norden AB", "Stadsträdgård Norden AB",
        "Stadsträdgård Norden AB (park maintenance)", email="kundservice@stadstradgard.example.org"),
    org("fastighetsservice-malardalen", "contractor", "Fastighetsservice Mälardalen AB",
        "Fastighetsservice Mälardalen AB", "Fastighetsservice Mälardalen AB (property services)",
        webhook=WH + "fastighetsservice-malardalen"),
    # Helsinki
    org("kaupunkiymparisto", "administration", "Kaupunkiympäristön toimiala", "Stadsmiljösektorn",
        "Urban Environment Division", email="kaupunkiymparisto@example.org"),
    org("koy-etu-toolon-kulma", "company", "Kiinteistö Oy Etu-Töölön Kulma", "Fastighets Ab Etu-Töölön Kulma",
        "Kiinteistö Oy Etu-Töölön Kulma (building owner)", email="isannointi@etu-toolon-kulma.example.org"),
    org("koy-mannerheimintie-22", "company", "Kiinteistö Oy Mannerheimintie 22", "Fastighets Ab Mannerheimintie 22",
        "Kiinteistö Oy Mannerheimintie 22 (building owner)", email="huolto@mannerheimintie22.example.org"),
    org("valtion-toimitilat", "state", "Valtion Toimitilat", "Statens lokaler", "State Premises Agency",
        email="kiinteistot@valtion-toimitilat.example.org"),
    org("katuhuolto-etela", "contractor", "Katuhuolto Etelä Oy", "Katuhuolto Etelä Oy",
        "Katuhuolto Etelä Oy (area maintenance contractor)", open311=O311 + "katuhuolto-etela/v2"),
    org("alueurakointi-helsinki", "contractor", "Alueurakointi Helsinki Oy", "Alueurakointi Helsinki Oy",
        "Alueurakointi Helsinki Oy (area maintenance contractor)", email="urakka@alueurakointi.example.org"),
    org("tohryton", "contractor", "Töhrytön Kaupunki Oy", "Töhrytön Kaupunki Oy",
        "Töhrytön Kaupunki Oy (graffiti removal)", webhook=WH + "tohryton"),
    org("kaupunkivalo", "contractor", "Kaupunkivalo Sähkö Oy", "Kaupunkivalo Sähkö Oy",
        "Kaupunkivalo Sähkö Oy (street lighting)", email="vikailmoitus@kaupunkivalo.example.org"),
]
ORG_KEYS = {o["key"] for o in ORGANISATIONS}

TASK_TYPES = [
    ("graffiti", "Töhryjen poisto", "Klottersanering", "Graffiti removal"),
    ("litter", "Roskaantuminen", "Nedskräpning", "Litter"),
    ("pothole", "Kuoppa kadussa", "Hål i gatan", "Pothole"),
    ("street-lighting", "Katuvalaistus", "Gatubelysning", "Street lighting"),
    ("winter-maintenance", "Talvikunnossapito", "Vinterväghållning", "Winter maintenance"),
    ("park-care", "Puistojen hoito", "Parkskötsel", "Park care"),
    ("damage", "Vauriot ja rikkoutumiset", "Skador och trasiga anläggningar", "Damage"),
    ("playground", "Leikkipaikat", "Lekplatser", "Playgrounds"),
    ("traffic-signs", "Liikennemerkit", "Vägmärken och skyltar", "Traffic signs"),
]
TASK_CODES = [t[0] for t in TASK_TYPES]

# ---------------------------------------------------------------- Stockholm (local metres, origin Götgatan x Ringvägen)
# District: x -200..200, y -330..200. Ringvägen runs east-west (y 0..40), Götgatan north-south
# (x -12..12) down to Hammarby kanal (y -330..-230), which Skanstullsbron crosses.

S_STREET_LAND = poly((-200, 0), (-12, 0), (-12, -230), (12, -230), (12, 0), (200, 0), (200, 40), (12, 40),
                     (12, 200), (-12, 200), (-12, 40), (-200, 40))
S_PARK = rect(-200, -200, -12, 0)
S_QUAY_W = rect(-200, -230, -12, -200)
S_QUAY_E = rect(12, -230, 200, -200)
S_WATER = rect(-200, -330, 200, -230)

STHLM_PARCELS = [
    # fastighet, benamning, andamal, adress, agare, geometry
    ("Södermalm 3:10", "Gatumark Götgatan–Ringvägen", "gatumark", "Götgatan", "Stockholms stad", S_STREET_LAND),
    ("Södermalm 4:2", "Skanstullsparken", "parkmark", "Ringvägen", "Stockholms stad", S_PARK),
    ("Södermalm 5:1", "Strandpromenaden väster om Skanstullsbron", "parkmark", "", "Stockholms stad", S_QUAY_W),
    ("Södermalm 5:2", "Strandpromenaden öster om Skanstullsbron", "parkmark", "", "Stockholms stad", S_QUAY_E),
    ("Södermalm 7:1", "Hammarby kanal", "vattenområde", "", "Stockholms stad", S_WATER),
    ("Tullvakten 1", "Tullvakten 1", "bostadsfastighet", "Ringvägen 149", "Stockholms stad", rect(-200, 40, -100, 200)),
    ("Tullvakten 2", "Tullvakten 2", "bostadsfastighet", "Götgatan 81", "Brf Tullvakten 2", rect(-100, 40, -12, 200)),
    ("Vintertullen 8", "Vintertullen 8", "bostadsfastighet", "Götgatan 78", "Stockholms stad", rect(12, 40, 100, 200)),
    ("Vintertullen 9", "Vintertullen 9", "bostadsfastighet", "Ringvägen 125", "Stockholms stad", rect(100, 40, 200, 200)),
    ("Skanstull 1", "Skanstull 1", "specialfastighet", "Götgatan 100", "Stockholms stad", rect(12, -200, 200, 0)),
]

STHLM_BUILDINGS = [
    # BYGG_ID, NAMN, ADRESS, AGARE, ANDAMAL, geometry
    ("B3101", "Tullvaktens gård", "Ringvägen 149", "Söderbostäder AB", "Bostäder",
     poly((-198, 42), (-102, 42), (-102, 62), (-180, 62), (-180, 198), (-198, 198))),
    ("B3102", "Götgatshuset", "Götgatan 81", "Brf Tullvakten 2", "Bostäder och butiker",
     poly((-98, 42), (-14, 42), (-14, 198), (-40, 198), (-40, 64), (-98, 64))),
    ("B3103", "Skanstullshöjden", "Götgatan 78", "Söderbostäder AB", "Bostäder och butiker",
     poly((14, 42), (98, 42), (98, 64), (40, 64), (40, 198), (14, 198))),
    ("B3104", "Vintertullshuset", "Ringvägen 125", "Söderbostäder AB", "Bostäder",
     poly((102, 42), (198, 42), (198, 198), (176, 198), (176, 64), (102, 64))),
    ("B3105", "Skanstulls idrottshall", "Götgatan 100", "Idrottsförvaltningen", "Idrottshall",
     rect(40, -180, 180, -30)),
]

STHLM_ASSETS = [
    # objekt_id, namn, typ, adress, agare, forvaltare, geometry
    ("TK-GATA-1001", "Götgatan (Ringvägen–Tullvaktsgränd)", "gata", "Götgatan 78–81", "Trafikkontoret", "Trafikkontoret",
     rect(-12, 40, 12, 200)),
    ("TK-GATA-1002", "Götgatan (Ringvägen–Skanstullsbron)", "gata", "Götgatan 100", "Trafikkontoret", "Trafikkontoret",
     rect(-12, -230, 12, 0)),
    ("TK-GATA-1003", "Ringvägen (Skanstull)", "gata", "Ringvägen 125–149", "Trafikkontoret", "Trafikkontoret",
     rect(-200, 0, 200, 40)),
    ("TK-BRO-0417", "Skanstullsbron", "bro", "Skanstullsbron", "Trafikkontoret", "Trafikkontoret",
     rect(-11, -329, 11, -231)),
    ("TK-BRO-0417-S1", "Skanstullsbron, brostöd 1", "brostöd", "Skanstullsbron", "Trafikkontoret", "Trafikkontoret",
     rect(-8, -267, 8, -263)),
    ("TK-BRO-0417-S2", "Skanstullsbron, brostöd 2", "brostöd", "Skanstullsbron", "Trafikkontoret", "Trafikkontoret",
     rect(-8, -297, 8, -293)),
    ("SDF-PARK-0210", "Skanstullsparken", "park", "Ringvägen", "Södermalms stadsdelsförvaltning",
     "Södermalms stadsdelsförvaltning", rect(-200, -200, -12, 0)),
    ("SDF-LEK-0211", "Lekplats Skanstullsparken", "lekplats", "Ringvägen", "Södermalms stadsdelsförvaltning",
     "Södermalms stadsdelsförvaltning", rect(-170, -170, -140, -140)),
]

STHLM_STREETLIGHTS = [
    # id, beskrivning, gata, forvaltare, local x, y
    ("TK-BEL-5001", "Belysningsstolpe 8 m, LED", "Götgatan", "Trafikkontoret", 10, 60),
    ("TK-BEL-5002", "Belysningsstolpe 8 m, LED", "Götgatan", "Trafikkontoret", 10, 140),
    ("TK-BEL-5003", "Belysningsstolpe 8 m, LED", "Götgatan", "Trafikkontoret", 10, 190),
    ("TK-BEL-5004", "Belysningsstolpe 10 m, LED", "Ringvägen", "Trafikkontoret", -150, 38),
    ("TK-BEL-5005", "Belysningsstolpe 10 m, LED", "Ringvägen", "Trafikkontoret", -60, 38),
    ("TK-BEL-5006", "Belysningsstolpe 10 m, LED", "Ringvägen", "Trafikkontoret", 60, 38),
    ("TK-BEL-5007", "Belysningsstolpe 8 m, LED", "Götgatan", "Trafikkontoret", 10, -60),
    ("TK-BEL-5008", "Belysningsstolpe 8 m, LED", "Götgatan", "Trafikkontoret", 10, -150),
]

STHLM_AREAS = [
    # omrade_id, namn, typ, forvaltare, uppgifter, geometry
    ("SDO-SODERMALM", "Södermalms stadsdelsområde (del)", "stadsdelsområde", None, None,
     rect(-200, -330, 200, 200)),
    ("TK-GM-SKANSTULL", "Gatumark Skanstull", "förvaltningsområde", "trafikkontoret",
     "pothole;street-lighting;winter-maintenance;litter;graffiti;damage;traffic-signs", S_STREET_LAND),
    ("SDF-PM-SKANSTULL", "Parkmark Skanstull med strandpromenad", "förvaltningsområde",
     "stadsdelsforvaltning-sodermalm", "park-care;litter;graffiti;damage;winter-maintenance;playground",
     multi(rect(-200, -230, -12, 0), S_QUAY_E)),
]

TK_STREET_TASKS = "pothole;litter;graffiti;damage;street-lighting;traffic-signs"
PARK_TASKS = "park-care;litter;graffiti;damage;winter-maintenance;playground"
PARK_CONTRACT_AREA = multi(rect(-200, -230, -12, 0), S_QUAY_E)
STHLM_CONTRACTS = [
    # kontrakt_id, benamning, entreprenor, bestallare, uppgifter, objekt, giltig_fran, giltig_till, geometry
    ("TK-BRO-2025", "Drift och underhåll av broar, Skanstull 2025–2030", "brounderhall-norden", "trafikkontoret",
     "graffiti;damage;litter",
     "sthlm-assets:TK-BRO-0417;sthlm-assets:TK-BRO-0417-S1;sthlm-assets:TK-BRO-0417-S2",
     "2025-01-01", "2030-12-31", rect(-60, -330, 60, -230)),
    ("TK-DO-SN-2025", "Driftområde Södermalm norra 2025–2030", "gatudrift-soder", "trafikkontoret",
     TK_STREET_TASKS, None, "2025-01-01", "2030-12-31", rect(-200, 20, 200, 200)),
    # The southern area was digitised up to the northern kerb of Ringvägen east of x=100:
    # it overlaps the northern area there (the deliberate conflict).
    ("TK-DO-SS-2025", "Driftområde Södermalm södra 2025–2030", "vag-anlaggning-malardalen", "trafikkontoret",
     TK_STREET_TASKS, None, "2025-01-01", "2030-12-31",
     poly((-200, -230), (200, -230), (200, 40), (100, 40), (100, 20), (-200, 20))),
    ("SDF-PS-2019", "Parkskötsel Skanstull 2019–2024", "gronyta-entreprenad", "stadsdelsforvaltning-sodermalm",
     PARK_TASKS, None, "2019-01-01", "2024-12-31", PARK_CONTRACT_AREA),
    ("SDF-PS-2025", "Parkskötsel Skanstull 2025–2026 (övergångsavtal)", "parkservice-soder",
     "stadsdelsforvaltning-sodermalm", PARK_TASKS, None, "2025-01-01", "2026-12-31", PARK_CONTRACT_AREA),
    ("SDF-PS-2027", "Parkskötsel Skanstull 2027–2031", "stadstradgard-norden", "stadsdelsforvaltning-sodermalm",
     PARK_TASKS, None, "2027-01-01", "2031-12-31", PARK_CONTRACT_AREA),
    ("SB-FS-2024", "Fastighetsskötsel Söderbostäder Skanstull", "fastighetsservice-malardalen", "soderbostader",
     "damage;graffiti;litter;winter-maintenance",
     "sthlm-buildings:B3101;sthlm-buildings:B3103;sthlm-buildings:B3104",
     "2024-04-01", "2028-03-31", multi(rect(-200, 40, -100, 200), rect(12, 40, 200, 200))),
]

# svarstid (response times, docs/import.md#response-times): per task type, "*" for the contract's other tasks.
STHLM_RESPONSE_TIMES = {
    "TK-BRO-2025": "graffiti=24h;damage=48h;litter=72h",
    "TK-DO-SN-2025": "pothole=48h;street-lighting=5d;*=72h",
    "TK-DO-SS-2025": "pothole=48h;street-lighting=5d;*=72h",
    "SDF-PS-2019": "5d",
    "SDF-PS-2025": "72h",
    "SDF-PS-2027": "72h",
    "SB-FS-2024": "damage=24h;*=5d",
    "UE-TK-BRO-2025-1": "graffiti=24h",
    "UE-TK-DO-SN-2025-1": "street-lighting=72h",
    "UE-TK-DO-SS-2025-1": "street-lighting=72h",
}

STHLM_SUBCONTRACTS = [
    # ue_id, kontrakt, benamning, underentreprenor, uppgifter, giltig_fran, giltig_till
    ("UE-TK-BRO-2025-1", "TK-BRO-2025", "Klottersanering broar Skanstull", "klotterfritt", "graffiti",
     "2025-01-01", "2030-12-31"),
    ("UE-TK-DO-SN-2025-1", "TK-DO-SN-2025", "Gatubelysning Södermalm norra", "ljusteknik-sthlm", "street-lighting",
     "2025-03-01", "2030-12-31"),
    ("UE-TK-DO-SS-2025-1", "TK-DO-SS-2025", "Gatubelysning Södermalm södra", "ljusteknik-sthlm", "street-lighting",
     "2025-03-01", "2030-12-31"),
]

# ---------------------------------------------------------------- Helsinki (local metres, origin Mannerheimintie x Arkadiankatu)
# District: x -200..200, y -150..200. Mannerheimintie runs north-south (x -15..15),
# Arkadiankatu west of it (y 0..20), Töölönlahden puisto east of it.

H_STREET_LAND = poly((-15, -150), (15, -150), (15, 200), (-15, 200), (-15, 20), (-200, 20), (-200, 0), (-15, 0))
H_PARK = rect(15, -150, 200, 200)
H_PUBLIC = poly((-15, -150), (200, -150), (200, 200), (-15, 200), (-15, 20), (-200, 20), (-200, 0), (-15, 0))

HKI_PARCELS = [
    # kiinteistotunnus, nimi, kayttotarkoitus, omistaja, geometry
    ("091-013-9901-0100", "Mannerheimintie ja Arkadiankatu (katualue)", "katualue", "Helsingin kaupunki", H_STREET_LAND),
    ("091-013-9903-0100", "Töölönlahden puisto (puistoalue)", "puistoalue", "Helsingin kaupunki", H_PARK),
    ("091-013-0009-0001", "Tontti 13009/1", "asuinkerrostalojen korttelialue", "Kiinteistö Oy Etu-Töölön Kulma",
     rect(-200, 20, -100, 200)),
    ("091-013-0009-0002", "Tontti 13009/2 (rakentamaton)", "yleisten rakennusten korttelialue", "Valtion Toimitilat",
     rect(-100, 20, -15, 200)),
    ("091-013-0010-0001", "Tontti 13010/1", "liike- ja toimistorakennusten korttelialue", "Helsingin kaupunki",
     rect(-200, -150, -15, 0)),
]

HKI_BUILDINGS = [
    # rakennustunnus, nimi, osoite, omistaja, kayttotarkoitus, geometry
    ("103215432A", "Etu-Töölön Kulma", "Arkadiankatu 23", "Kiinteistö Oy Etu-Töölön Kulma", "asuinkerrostalo",
     poly((-190, 30), (-110, 30), (-110, 55), (-165, 55), (-165, 180), (-190, 180))),
    ("103215433B", "Liiketalo Mannerheimintie 22", "Mannerheimintie 22", "Kiinteistö Oy Mannerheimintie 22",
     "liike- ja toimistorakennus", rect(-150, -120, -20, -30)),
]

HKI_ASSETS = [
    # tunnus, nimi, tyyppi, osoite, omistaja, yllapitaja, geometry
    ("HKI-KATU-0101", "Mannerheimintie", "katu", "Mannerheimintie", "Helsingin kaupunki", "Kaupunkiympäristön toimiala",
     rect(-15, -150, 15, 200)),
    ("HKI-KATU-0102", "Arkadiankatu", "katu", "Arkadiankatu", "Helsingin kaupunki", "Kaupunkiympäristön toimiala",
     rect(-200, 0, -15, 20)),
    ("HKI-PUISTO-0310", "Töölönlahden puisto", "puisto", "Mannerheimintie", "Helsingin kaupunki",
     "Kaupunkiympäristön toimiala", H_PARK),
]

HKI_AREAS = [
    # alue_id, nimi, tyyppi, yllapitaja, tehtavat, geometry
    ("ETU-TOOLO", "Etu-Töölön osa-alue (osa)", "kaupunginosa", "", "", rect(-200, -150, 200, 200)),
    ("KYMP-YA-ETU-TOOLO", "Kaupunkiympäristön ylläpitoalue Etu-Töölö", "ylläpitoalue", "kaupunkiymparisto", "",
     H_PUBLIC),
]

HKI_TASKS = "litter;graffiti;pothole;winter-maintenance;park-care;damage;street-lighting"
HKI_CONTRACTS = [
    # urakka_id, nimi, urakoitsija, tilaaja, tehtavat, alkaa, paattyy, geometry
    ("KYMP-AU-2019-KK", "Kantakaupungin alueurakka 2019–2024", "Alueurakointi Helsinki Oy", "KYMP", HKI_TASKS,
     "2019-10-01", "2024-09-30", H_PUBLIC),
    ("KYMP-AU-2024-KK", "Kantakaupungin alueurakka 2024–2029", "Katuhuolto Etelä Oy", "KYMP", HKI_TASKS,
     "2024-10-01", "2029-09-30", H_PUBLIC),
]

# vasteaika (response times, docs/import.md#response-times): per task type, "*" for the contract's other tasks.
HKI_RESPONSE_TIMES = {
    "KYMP-AU-2019-KK": "5d",
    "KYMP-AU-2024-KK": "pothole=24h;winter-maintenance=12h;*=72h",
    "KYMP-AU-2024-KK-A1": "graffiti=48h",
    "KYMP-AU-2024-KK-A2": "street-lighting=72h",
}

HKI_SUBCONTRACTS = [
    # aliurakka_id, urakka, nimi, aliurakoitsija, tehtavat, alkaa, paattyy, sub-area (None = whole contract)
    ("KYMP-AU-2024-KK-A1", "KYMP-AU-2024-KK", "Töhryjen poisto, Töölönlahden puisto", "tohryton", "graffiti",
     "2024-10-01", "2029-09-30", H_PARK),
    ("KYMP-AU-2024-KK-A2", "KYMP-AU-2024-KK", "Katuvalaistuksen kunnossapito", "kaupunkivalo", "street-lighting",
     "2024-10-01", "2029-09-30", None),
]

# ---------------------------------------------------------------- stories (checked; README table is written from them)

STORIES = [
    # id, district, title, local point, task, date, expected {target, contract, subcontract, recipient, conflict}
    ("S1", "sthlm", "Graffiti on pillar 1 of Skanstullsbron (the product contract's story)", (0, -265), "graffiti", TODAY,
     dict(target="sthlm-assets:TK-BRO-0417-S1", land_owner="exploateringskontoret", manager="trafikkontoret",
          contract="TK-BRO-2025", subcontract="UE-TK-BRO-2025-1", recipient="klotterfritt")),
    ("S2", "sthlm", "Damage on the same pillar: no subcontract for damage", (0, -265), "damage", TODAY,
     dict(target="sthlm-assets:TK-BRO-0417-S1", contract="TK-BRO-2025", recipient="brounderhall-norden")),
    ("S3", "sthlm", "Housing company's building on city land (Götgatan 78)", (27, 110), "damage", TODAY,
     dict(target="sthlm-buildings:B3103", land_owner="exploateringskontoret", owner="soderbostader",
          manager="soderbostader", contract="SB-FS-2024", recipient="fastighetsservice-malardalen")),
    ("S4", "sthlm", "Housing cooperative's building on its own land, no contract (Götgatan 81)", (-27, 110), "damage",
     TODAY, dict(target="sthlm-buildings:B3102", land_owner="brf-tullvakten-2", manager="brf-tullvakten-2",
                 contract=None, recipient="brf-tullvakten-2")),
    ("S5", "sthlm", "Pothole on Götgatan (street, Trafikkontoret)", (0, 100), "pothole", TODAY,
     dict(target="sthlm-assets:TK-GATA-1001", manager="trafikkontoret", contract="TK-DO-SN-2025",
          recipient="gatudrift-soder")),
    ("S6", "sthlm", "Street lighting on Götgatan: subcontract without its own area", (0, 100), "street-lighting", TODAY,
     dict(target="sthlm-assets:TK-GATA-1001", contract="TK-DO-SN-2025", subcontract="UE-TK-DO-SN-2025-1",
          recipient="ljusteknik-sthlm")),
    ("S7", "sthlm", "Winter maintenance on Götgatan: the gap (no contract)", (0, 100), "winter-maintenance", TODAY,
     dict(target="sthlm-assets:TK-GATA-1001", manager="trafikkontoret", contract=None, recipient="trafikkontoret")),
    ("S8", "sthlm", "Park care in Skanstullsparken, 2023 (expired contract's time)", (-100, -100), "park-care",
     "2023-06-15", dict(target="sthlm-assets:SDF-PARK-0210", manager="stadsdelsforvaltning-sodermalm",
                        contract="SDF-PS-2019", recipient="gronyta-entreprenad")),
    ("S9", "sthlm", "Park care in Skanstullsparken, today", (-100, -100), "park-care", TODAY,
     dict(target="sthlm-assets:SDF-PARK-0210", contract="SDF-PS-2025", recipient="parkservice-soder")),
    ("S10", "sthlm", "Park care in Skanstullsparken, 2027 (next contract)", (-100, -100), "park-care", "2027-06-15",
     dict(target="sthlm-assets:SDF-PARK-0210", contract="SDF-PS-2027", recipient="stadstradgard-norden")),
    ("S11", "sthlm", "Litter on Ringvägen where the two street contracts overlap (conflict)", (150, 27), "litter",
     TODAY, dict(target="sthlm-assets:TK-GATA-1003", manager="trafikkontoret", contract=None,
                 conflict=["TK-DO-SN-2025", "TK-DO-SS-2025"], recipient="trafikkontoret")),
    ("S12", "sthlm", "Litter on the quay (open ground, management area gives the manager)", (100, -215), "litter",
     TODAY, dict(target="sthlm-parcels:Södermalm 5:2", land_owner="exploateringskontoret",
                 manager="stadsdelsforvaltning-sodermalm", contract="SDF-PS-2025", recipient="parkservice-soder")),
    ("S13", "sthlm", "Litter in Hammarby kanal away from the bridge (land owner fallback)", (150, -280), "litter",
     TODAY, dict(target="sthlm-parcels:Södermalm 7:1", land_owner="exploateringskontoret",
                 manager="exploateringskontoret", contract=None, recipient="exploateringskontoret")),
    ("S14", "sthlm", "Outside the sample data (default contact)", (0, 700), "litter", TODAY,
     dict(target=None, contract=None, recipient=DEFAULT_CONTACT)),
    ("H1", "hki", "Graffiti in Töölönlahden puisto: subcontract with its own sub-area", (100, 60), "graffiti", TODAY,
     dict(target="hki-assets:HKI-PUISTO-0310", land_owner="kaupunkiymparisto", manager="kaupunkiymparisto",
          contract="KYMP-AU-2024-KK", subcontract="KYMP-AU-2024-KK-A1", recipient="tohryton")),
    ("H2", "hki", "Graffiti on Mannerheimintie: outside the graffiti sub-area", (0, 120), "graffiti", TODAY,
     dict(target="hki-assets:HKI-KATU-0101", contract="KYMP-AU-2024-KK", subcontract=None,
          recipient="katuhuolto-etela")),
    ("H3", "hki", "Street lighting on Mannerheimintie: subcontract without a sub-area", (0, 120), "street-lighting",
     TODAY, dict(target="hki-assets:HKI-KATU-0101", contract="KYMP-AU-2024-KK", subcontract="KYMP-AU-2024-KK-A2",
                 recipient="kaupunkivalo")),
    ("H4", "hki", "Graffiti on Mannerheimintie in 2023 (previous area contract)", (0, 120), "graffiti", "2023-06-15",
     dict(target="hki-assets:HKI-KATU-0101", contract="KYMP-AU-2019-KK", recipient="alueurakointi-helsinki")),
    ("H5", "hki", "Litter on the state's vacant plot (open ground: land owner fallback)", (-57, 110), "litter", TODAY,
     dict(target="hki-parcels:091-013-0009-0002", land_owner="valtion-toimitilat", manager="valtion-toimitilat",
          contract=None, recipient="valtion-toimitilat")),
    ("H6", "hki", "Damage on a company's building on city land (Mannerheimintie 22)", (-60, -80), "damage", TODAY,
     dict(target="hki-buildings:103215433B", land_owner="kaupunkiymparisto", owner="koy-mannerheimintie-22",
          manager="koy-mannerheimintie-22", contract=None, recipient="koy-mannerheimintie-22")),
]

# ---------------------------------------------------------------- manifest and mappings

STHLM_OWNER_MAP = {"Stockholms stad": "exploateringskontoret", "Brf Tullvakten 2": "brf-tullvakten-2",
                   "Söderbostäder AB": "soderbostader", "Idrottsförvaltningen": "idrottsforvaltningen",
                   "Trafikkontoret": "trafikkontoret",
                   "Södermalms stadsdelsförvaltning": "stadsdelsforvaltning-sodermalm"}
HKI_ORG_MAP = {"Helsingin kaupunki": "kaupunkiymparisto", "Kaupunkiympäristön toimiala": "kaupunkiymparisto",
               "KYMP": "kaupunkiymparisto", "Valtion Toimitilat": "valtion-toimitilat",
               "Kiinteistö Oy Etu-Töölön Kulma": "koy-etu-toolon-kulma",
               "Kiinteistö Oy Mannerheimintie 22": "koy-mannerheimintie-22",
               "Katuhuolto Etelä Oy": "katuhuolto-etela", "Alueurakointi Helsinki Oy": "alueurakointi-helsinki"}


def lookup(field, table, keys):
    return {"field": field, "map": {k: v for k, v in table.items() if k in keys}}


LAYERS = [
    # file, layer, kind, mapping
    ("stockholm/parcels.gpkg", "sthlm-parcels", "parcel", {
        "fields": {"id": "fastighet", "name": "benamning", "address": "adress",
                   "type": {"field": "andamal", "map": {"gatumark": "street-land", "parkmark": "park-land",
                                                        "vattenområde": "water", "bostadsfastighet": "residential",
                                                        "specialfastighet": "public-building"}},
                   "owner": lookup("agare", STHLM_OWNER_MAP, {p[4] for p in STHLM_PARCELS})}}),
    ("stockholm/buildings.shp", "sthlm-buildings", "building", {
        "fields": {"id": "BYGG_ID", "name": "NAMN", "address": "ADRESS",
                   "type": {"field": "ANDAMAL", "map": {"Bostäder": "residential",
                                                        "Bostäder och butiker": "residential",
                                                        "Idrottshall": "sports-hall"}},
                   "owner": lookup("AGARE", STHLM_OWNER_MAP, {b[3] for b in STHLM_BUILDINGS})}}),
    ("stockholm/assets.gpkg", "sthlm-assets", "asset", {
        "fields": {"id": "objekt_id", "name": "namn", "address": "adress",
                   "type": {"field": "typ", "map": {"gata": "street", "bro": "bridge", "brostöd": "bridge-pillar",
                                                    "park": "park", "lekplats": "playground"}},
                   "owner": lookup("agare", STHLM_OWNER_MAP, {a[4] for a in STHLM_ASSETS}),
                   "manager": lookup("forvaltare", STHLM_OWNER_MAP, {a[5] for a in STHLM_ASSETS})}}),
    ("stockholm/streetlights.csv", "sthlm-streetlights", "asset", {
        "crs": "EPSG:3011",
        "fields": {"id": "id", "name": "beskrivning", "address": "gata", "type": {"value": "street-light"},
                   "owner": {"field": "forvaltare", "map": {"Trafikkontoret": "trafikkontoret"}},
                   "manager": {"field": "forvaltare", "map": {"Trafikkontoret": "trafikkontoret"}}},
        "geometry": {"x": "E", "y": "N"}}),
    ("stockholm/areas.geojson", "sthlm-areas", "area", {
        "fields": {"id": "omrade_id", "name": "namn",
                   "type": {"field": "typ", "map": {"förvaltningsområde": "management",
                                                    "stadsdelsområde": "district"}},
                   "manager": "forvaltare", "taskTypes": "uppgifter"}}),
    ("stockholm/contracts.geojson", "sthlm-contracts", "contract", {
        "fields": {"id": "kontrakt_id", "name": "benamning", "contractor": "entreprenor", "commissioner": "bestallare",
                   "taskTypes": "uppgifter", "objects": "objekt", "validFrom": "giltig_fran",
                   "validTo": "giltig_till", "responseTimes": "svarstid"}}),
    ("stockholm/subcontracts.csv", "sthlm-subcontracts", "subcontract", {
        "fields": {"id": "ue_id", "name": "benamning", "contract": "kontrakt",
                   "contractLayer": {"value": "sthlm-contracts"}, "subcontractor": "underentreprenor",
                   "taskTypes": "uppgifter", "validFrom": "giltig_fran", "validTo": "giltig_till",
                   "responseTimes": "svarstid"}}),
    ("helsinki/parcels.csv", "hki-parcels", "parcel", {
        "crs": "EPSG:3879",
        "fields": {"id": "kiinteistotunnus", "name": "nimi", "type": "kayttotarkoitus",
                   "owner": lookup("omistaja", HKI_ORG_MAP, {p[3] for p in HKI_PARCELS})},
        "geometry": {"wkt": "wkt"}}),
    ("helsinki/buildings.geojson", "hki-buildings", "building", {
        "crs": "EPSG:3879",
        "fields": {"id": "rakennustunnus", "name": "nimi", "address": "osoite", "type": "kayttotarkoitus",
                   "owner": lookup("omistaja", HKI_ORG_MAP, {b[3] for b in HKI_BUILDINGS})}}),
    ("helsinki/assets.gpkg", "hki-assets", "asset", {
        "fields": {"id": "tunnus", "name": "nimi", "address": "osoite",
                   "type": {"field": "tyyppi", "map": {"katu": "street", "puisto": "park"}},
                   "owner": lookup("omistaja", HKI_ORG_MAP, {a[4] for a in HKI_ASSETS}),
                   "manager": lookup("yllapitaja", HKI_ORG_MAP, {a[5] for a in HKI_ASSETS})}}),
    ("helsinki/areas.shp", "hki-areas", "area", {
        "fields": {"id": "alue_id", "name": "nimi",
                   "type": {"field": "tyyppi", "map": {"ylläpitoalue": "management", "kaupunginosa": "district"}},
                   "manager": "yllapitaja", "taskTypes": "tehtavat"}}),
    ("helsinki/contracts.geojson", "hki-contracts", "contract", {
        "fields": {"id": "urakka_id", "name": "nimi",
                   "contractor": lookup("urakoitsija", HKI_ORG_MAP, {c[2] for c in HKI_CONTRACTS}),
                   "commissioner": lookup("tilaaja", HKI_ORG_MAP, {c[3] for c in HKI_CONTRACTS}),
                   "taskTypes": "tehtavat", "validFrom": "alkaa", "validTo": "paattyy",
                   "responseTimes": "vasteaika"}}),
    ("helsinki/subcontracts.csv", "hki-subcontracts", "subcontract", {
        "crs": "EPSG:3879",
        "fields": {"id": "aliurakka_id", "name": "nimi", "contract": "urakka",
                   "contractLayer": {"value": "hki-contracts"}, "subcontractor": "aliurakoitsija",
                   "taskTypes": "tehtavat", "validFrom": "alkaa", "validTo": "paattyy",
                   "responseTimes": "vasteaika"},
        "geometry": {"wkt": "alue_wkt"}}),
]

EXPECTED_COUNTS = {
    "sthlm-parcels": len(STHLM_PARCELS), "sthlm-buildings": len(STHLM_BUILDINGS), "sthlm-assets": len(STHLM_ASSETS),
    "sthlm-streetlights": len(STHLM_STREETLIGHTS), "sthlm-areas": len(STHLM_AREAS),
    "sthlm-contracts": len(STHLM_CONTRACTS), "sthlm-subcontracts": len(STHLM_SUBCONTRACTS),
    "hki-parcels": len(HKI_PARCELS), "hki-buildings": len(HKI_BUILDINGS), "hki-assets": len(HKI_ASSETS),
    "hki-areas": len(HKI_AREAS), "hki-contracts": len(HKI_CONTRACTS), "hki-subcontracts": len(HKI_SUBCONTRACTS),
}
# CRS that ogrinfo must report for the file itself (None: the file carries none; the mapping gives it)
EXPECTED_FILE_CRS = {
    "sthlm-parcels": 3011, "sthlm-buildings": 3011, "sthlm-assets": 3011, "sthlm-streetlights": None,
    "sthlm-areas": 3011, "sthlm-contracts": 4326, "sthlm-subcontracts": None,
    "hki-parcels": None, "hki-buildings": 4326, "hki-assets": 3879, "hki-areas": 3879, "hki-contracts": 3879,
    "hki-subcontracts": None,
}

# ---------------------------------------------------------------- writing


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit("command failed: %s\n%s%s" % (" ".join(cmd), r.stdout, r.stderr))
    return r.stdout


def node_district(*groups):
    """Node all polygon geometries of a district together; returns the groups with noded geometry."""
    flat = [g for grp in groups for g in grp]
    noded = node([ccw(g) if g else None for g in flat])
    out, i = [], 0
    for grp in groups:
        out.append(noded[i:i + len(grp)])
        i += len(grp)
    return out


def feature_collection(features, crs_name=None, name=None):
    fc = {"type": "FeatureCollection"}
    if name:
        fc["name"] = name
    if crs_name:
        fc["crs"] = {"type": "name", "properties": {"name": crs_name}}
    fc["features"] = features
    return fc


def dump_geojson(path, fc):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write('{\n"type": "FeatureCollection",\n')
        for k in ("name", "crs"):
            if k in fc:
                f.write('"%s": %s,\n' % (k, json.dumps(fc[k], ensure_ascii=False)))
        f.write('"features": [\n')
        f.write(",\n".join(json.dumps(ft, ensure_ascii=False, separators=(", ", ": ")) for ft in fc["features"]))
        f.write("\n]\n}\n")


def feat(props, geom):
    return {"type": "Feature", "properties": props, "geometry": geom}


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def ogr(dst, src, driver, srs, layer_name, extra=()):
    env = dict(os.environ, OGR_CURRENT_DATE="2026-11-24T00:00:00Z")
    # small SQLite pages keep the GeoPackages at about 40 KB instead of 100 KB
    cfg = ["--config", "OGR_SQLITE_PRAGMA", "page_size=1024"] if driver == "GPKG" else []
    run(["ogr2ogr", "-f", driver, dst, src, "-a_srs", srs, "-nln", layer_name, *cfg, *extra], env=env)


def write_all():
    os.makedirs(os.path.join(HERE, "stockholm"), exist_ok=True)
    os.makedirs(os.path.join(HERE, "helsinki"), exist_ok=True)
    os.makedirs(os.path.join(HERE, "mappings"), exist_ok=True)
    for sub in ("stockholm", "helsinki", "mappings"):
        for fn in os.listdir(os.path.join(HERE, sub)):
            os.remove(os.path.join(HERE, sub, fn))
    tmp = tempfile.mkdtemp(prefix="twin-sample-")
    try:
        _write_all(tmp)
    finally:
        shutil.rmtree(tmp)


def _write_all(tmp):
    P = lambda *a: os.path.join(HERE, *a)
    write_csv(P("organisations.csv"), list(ORGANISATIONS[0].keys()), [list(o.values()) for o in ORGANISATIONS])
    write_csv(P("task-types.csv"), ["code", "name_fi", "name_sv", "name_en"], TASK_TYPES)

    # --- Stockholm
    so = DISTRICTS["sthlm"]["origin"]
    sp, sb, sa, sar, sc = node_district([p[5] for p in STHLM_PARCELS], [b[5] for b in STHLM_BUILDINGS],
                                        [a[6] for a in STHLM_ASSETS], [a[5] for a in STHLM_AREAS],
                                        [c[8] for c in STHLM_CONTRACTS])
    crs3011 = "urn:ogc:def:crs:EPSG::3011"

    fc = feature_collection([feat({"fastighet": p[0], "benamning": p[1], "andamal": p[2], "adress": p[3] or None,
                                   "agare": p[4]}, shift(g, so)) for p, g in zip(STHLM_PARCELS, sp)], crs3011)
    dump_geojson(os.path.join(tmp, "p.geojson"), fc)
    ogr(P("stockholm", "parcels.gpkg"), os.path.join(tmp, "p.geojson"), "GPKG", "EPSG:3011", "fastigheter",
        ["-nlt", "POLYGON"])

    fc = feature_collection([feat({"BYGG_ID": b[0], "NAMN": b[1], "ADRESS": b[2], "AGARE": b[3], "ANDAMAL": b[4]},
                                  shift(g, so)) for b, g in zip(STHLM_BUILDINGS, sb)], crs3011)
    dump_geojson(os.path.join(tmp, "b.geojson"), fc)
    ogr(P("stockholm", "buildings.shp"), os.path.join(tmp, "b.geojson"), "ESRI Shapefile", "EPSG:3011", "buildings",
        ["-nlt", "POLYGON", "-lco", "ENCODING=CP1252"])
    with open(P("stockholm", "buildings.cpg"), "w") as f:
        f.write("1252")

    fc = feature_collection([feat({"objekt_id": a[0], "namn": a[1], "typ": a[2], "adress": a[3], "agare": a[4],
                                   "forvaltare": a[5]}, shift(g, so)) for a, g in zip(STHLM_ASSETS, sa)], crs3011)
    dump_geojson(os.path.join(tmp, "a.geojson"), fc)
    ogr(P("stockholm", "assets.gpkg"), os.path.join(tmp, "a.geojson"), "GPKG", "EPSG:3011", "anlaggningar",
        ["-nlt", "POLYGON"])

    write_csv(P("stockholm", "streetlights.csv"), ["id", "beskrivning", "gata", "forvaltare", "E", "N"],
              [(l[0], l[1], l[2], l[3], l[4] + so[0], l[5] + so[1]) for l in STHLM_STREETLIGHTS])

    fc = feature_collection([feat({"omrade_id": a[0], "namn": a[1], "typ": a[2], "forvaltare": a[3],
                                   "uppgifter": a[4]}, shift(g, so)) for a, g in zip(STHLM_AREAS, sar)],
                            crs3011, name="forvaltningsomraden")
    dump_geojson(P("stockholm", "areas.geojson"), fc)

    fc = feature_collection([feat({"kontrakt_id": c[0], "benamning": c[1], "entreprenor": c[2], "bestallare": c[3],
                                   "uppgifter": c[4], "objekt": c[5], "giltig_fran": c[6], "giltig_till": c[7],
                                   "svarstid": STHLM_RESPONSE_TIMES[c[0]]},
                                  shift(g, so)) for c, g in zip(STHLM_CONTRACTS, sc)], crs3011)
    dump_geojson(os.path.join(tmp, "c.geojson"), fc)
    run(["ogr2ogr", "-f", "GeoJSON", P("stockholm", "contracts.geojson"), os.path.join(tmp, "c.geojson"),
         "-s_srs", "EPSG:3011", "-t_srs", "EPSG:4326", "-nln", "driftkontrakt",
         "-lco", "RFC7946=YES", "-lco", "COORDINATE_PRECISION=7"])

    write_csv(P("stockholm", "subcontracts.csv"),
              ["ue_id", "kontrakt", "benamning", "underentreprenor", "uppgifter", "giltig_fran", "giltig_till", "svarstid"],
              [(*u, STHLM_RESPONSE_TIMES[u[0]]) for u in STHLM_SUBCONTRACTS])

    # --- Helsinki
    ho = DISTRICTS["hki"]["origin"]
    hp, hb, ha, har, hc, hs = node_district([p[4] for p in HKI_PARCELS], [b[5] for b in HKI_BUILDINGS],
                                            [a[6] for a in HKI_ASSETS], [a[5] for a in HKI_AREAS],
                                            [c[7] for c in HKI_CONTRACTS], [s[7] for s in HKI_SUBCONTRACTS])
    write_csv(P("helsinki", "parcels.csv"), ["kiinteistotunnus", "nimi", "kayttotarkoitus", "omistaja", "wkt"],
              [(p[0], p[1], p[2], p[3], wkt(shift(g, ho))) for p, g in zip(HKI_PARCELS, hp)])

    # No crs member: coordinates are EPSG:3879 although RFC 7946 says WGS84 (the mapping sets the CRS).
    fc = feature_collection([feat({"rakennustunnus": b[0], "nimi": b[1], "osoite": b[2], "omistaja": b[3],
                                   "kayttotarkoitus": b[4]}, shift(g, ho)) for b, g in zip(HKI_BUILDINGS, hb)],
                            name="rakennukset")
    dump_geojson(P("helsinki", "buildings.geojson"), fc)

    fc = feature_collection([feat({"tunnus": a[0], "nimi": a[1], "tyyppi": a[2], "osoite": a[3], "omistaja": a[4],
                                   "yllapitaja": a[5]}, shift(g, ho)) for a, g in zip(HKI_ASSETS, ha)])
    dump_geojson(os.path.join(tmp, "ha.geojson"), fc)
    ogr(P("helsinki", "assets.gpkg"), os.path.join(tmp, "ha.geojson"), "GPKG", "EPSG:3879", "kohteet",
        ["-nlt", "POLYGON"])

    fc = feature_collection([feat({"alue_id": a[0], "nimi": a[1], "tyyppi": a[2], "yllapitaja": a[3],
                                   "tehtavat": a[4]}, shift(g, ho)) for a, g in zip(HKI_AREAS, har)])
    dump_geojson(os.path.join(tmp, "har.geojson"), fc)
    ogr(P("helsinki", "areas.shp"), os.path.join(tmp, "har.geojson"), "ESRI Shapefile", "EPSG:3879", "areas",
        ["-nlt", "POLYGON", "-lco", "ENCODING=UTF-8"])

    fc = feature_collection([feat({"urakka_id": c[0], "nimi": c[1], "urakoitsija": c[2], "tilaaja": c[3],
                                   "tehtavat": c[4], "alkaa": c[5], "paattyy": c[6],
                                   "vasteaika": HKI_RESPONSE_TIMES[c[0]]}, shift(g, ho))
                             for c, g in zip(HKI_CONTRACTS, hc)], "EPSG:3879", name="alueurakat")
    dump_geojson(P("helsinki", "contracts.geojson"), fc)

    write_csv(P("helsinki", "subcontracts.csv"),
              ["aliurakka_id", "urakka", "nimi", "aliurakoitsija", "tehtavat", "alkaa", "paattyy", "alue_wkt", "vasteaika"],
              [(s[0], s[1], s[2], s[3], s[4], s[5], s[6], wkt(shift(g, ho)) if g else "", HKI_RESPONSE_TIMES[s[0]])
               for s, g in zip(HKI_SUBCONTRACTS, hs)])

    # --- mappings and manifest
    for file, layer, kind, mapping in LAYERS:
        with open(P("mappings", layer + ".json"), "w", encoding="utf-8", newline="\n") as f:
            json.dump(mapping, f, ensure_ascii=False, indent=2)
            f.write("\n")
    manifest = {"organisations": "organisations.csv", "taskTypes": "task-types.csv",
                "layers": [{"file": file, "layer": layer, "kind": kind, "map": "mappings/%s.json" % layer}
                           for file, layer, kind, _ in LAYERS],
                # The background map, written by basemap/make_basemap.py: never a layer (docs/decisions.md).
                "basemap": ["basemap/stockholm.geojson", "basemap/helsinki.geojson"]}
    with open(P("sample.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=2)
        f.write("\n")


# ---------------------------------------------------------------- reading back (as the importer would)


def read_field(spec, props):
    if spec is None:
        return None
    if isinstance(spec, str):
        v = props.get(spec)
    elif "value" in spec:
        v = spec["value"]
    else:
        v = props.get(spec["field"])
        if v not in (None, ""):
            v = spec.get("map", {}).get(v, v)
    if v is None or (isinstance(v, str) and v.strip() == ""):
        return None
    return v


def split_list(v):
    return [s.strip() for s in v.split(";") if s.strip()] if v else []


def read_layer(entry, tmp):
    manifest_dir = HERE
    path = os.path.join(manifest_dir, entry["file"])
    with open(os.path.join(manifest_dir, entry["map"]), encoding="utf-8") as f:
        mapping = json.load(f)
    district = entry["layer"].split("-")[0]
    native = DISTRICTS[district]["crs"]
    geomspec = mapping.get("geometry")
    if path.endswith(".csv") and not geomspec:
        with open(path, encoding="utf-8", newline="") as f:
            feats = [{"properties": row, "geometry": None} for row in csv.DictReader(f)]
    else:
        cmd = ["ogr2ogr", "-f", "GeoJSON", "/vsistdout/", path, "-t_srs", native, "-nln", entry["layer"],
               "-lco", "RFC7946=NO",
               "-lco", "COORDINATE_PRECISION=4"]
        if mapping.get("crs"):
            cmd += ["-s_srs", mapping["crs"]]
        if geomspec and "wkt" in geomspec:
            cmd += ["-oo", "GEOM_POSSIBLE_NAMES=" + geomspec["wkt"], "-oo", "KEEP_GEOM_COLUMNS=NO"]
        if geomspec and "x" in geomspec:
            cmd += ["-oo", "X_POSSIBLE_NAMES=" + geomspec["x"], "-oo", "Y_POSSIBLE_NAMES=" + geomspec["y"],
                    "-oo", "KEEP_GEOM_COLUMNS=NO"]
        out = run(cmd)
        feats = json.loads(out)["features"]
        with open(os.path.join(tmp, entry["layer"] + ".geojson"), "w", encoding="utf-8") as f:
            f.write(out)
    fields = mapping["fields"]
    objs = []
    for ft in feats:
        pr = ft["properties"]
        o = {k: read_field(fields.get(k), pr) for k in
             ("id", "name", "type", "address", "owner", "manager", "contractor", "commissioner", "subcontractor",
              "contract", "contractLayer", "validFrom", "validTo")}
        o["objects"] = split_list(read_field(fields.get("objects"), pr))
        o["taskTypes"] = split_list(read_field(fields.get("taskTypes"), pr))
        o["layer"], o["kind"], o["district"] = entry["layer"], entry["kind"], district
        o["uid"] = "%s:%s" % (entry["layer"], o["id"])
        o["geom"] = ft.get("geometry")
        objs.append(o)
    return objs


# ---------------------------------------------------------------- reference resolver (product contract section 3)

KIND_RANK = {"asset": 0, "building": 1, "area": 2, "parcel": 3}


def valid_on(c, date):
    return (c["validFrom"] or "0000") <= date and (not c["validTo"] or date <= c["validTo"])


def task_ok(o, task):
    return not o["taskTypes"] or task in o["taskTypes"]


def resolve(db, district, x, y, task, date):
    objs = [o for o in db if o["district"] == district]
    stack = []
    for o in objs:
        if o["kind"] in KIND_RANK:
            d = distance(o["geom"], x, y)
            if d <= TOLERANCE:
                stack.append((KIND_RANK[o["kind"]], d, geom_area(o["geom"]), o))
    stack.sort(key=lambda t: t[:3])
    r = {"stack": [(t[3]["uid"], round(t[1], 2)) for t in stack], "notes": []}
    parcels_at = [t[3] for t in stack if t[3]["kind"] == "parcel" and t[1] == 0]
    target = next((t[3] for t in stack if t[3]["kind"] in ("asset", "building")), None)
    if target is None and parcels_at:
        target = parcels_at[0]
        r["notes"].append("open ground: the parcel is the target")
    r["target"] = target["uid"] if target else None
    land = parcels_at[0] if parcels_at else None
    r["land_owner"] = land["owner"] if land else None
    r["land_parcel"] = land["uid"] if land else None
    if target is None:
        r["owner"] = None
    elif target["kind"] == "parcel":
        r["owner"] = r["land_owner"]
    else:
        r["owner"] = target["owner"]
    manager = None
    if target is not None:
        manager = target["manager"]
        if manager:
            r["manager_via"] = "own"
        if not manager and target["kind"] == "building" and target["owner"]:
            manager = target["owner"]
            r["manager_via"] = "building owner"
    if not manager:
        areas = [t[3] for t in stack if t[3]["kind"] == "area" and t[1] == 0 and t[3]["manager"] and task_ok(t[3], task)]
        areas.sort(key=lambda a: geom_area(a["geom"]))
        if areas:
            manager = areas[0]["manager"]
            r["manager_via"] = "management area " + areas[0]["uid"]
    if not manager and r["land_owner"]:
        manager = r["land_owner"]
        r["manager_via"] = "land owner (fallback)"
    r["manager"] = manager
    contracts = [o for o in objs if o["kind"] == "contract"]

    def applies(c):
        if c["commissioner"] != manager or not task_ok(c, task) or not manager:
            return None
        if target and target["uid"] in c["objects"]:
            return 1
        if covers(c["geom"], x, y):
            return 2
        return None

    levels = {}
    for c in contracts:
        lv = applies(c)
        if lv is None:
            continue
        if valid_on(c, date):
            levels.setdefault(lv, []).append(c)
        else:
            when = ("ended on %s" % c["validTo"]) if c["validTo"] and c["validTo"] < date else \
                ("starts on %s" % c["validFrom"])
            r["notes"].append("%s %s" % (c["id"], when))
    chosen, r["conflict"], r["contract"], r["contract_level"] = None, None, None, None
    if levels:
        lv = min(levels)
        cands = levels[lv]
        if len(cands) > 1:
            r["conflict"] = sorted(c["id"] for c in cands)
        else:
            chosen = cands[0]
            r["contract"] = chosen["id"]
            r["contract_level"] = "lists the object" if lv == 1 else "area covers the point"
    r["contractor"] = chosen["contractor"] if chosen else None
    sub = None
    if chosen:
        subs = [s for s in db if s["kind"] == "subcontract" and s["contract"] == chosen["id"]
                and s["contractLayer"] == chosen["layer"] and valid_on(s, date) and task_ok(s, task)]
        subs_here = [s for s in subs if s["geom"] is None or covers(s["geom"], x, y)]
        for s in subs:
            if s not in subs_here:
                r["notes"].append("%s does not cover the point" % s["id"])
        assert len(subs_here) <= 1, subs_here
        sub = subs_here[0] if subs_here else None
    r["subcontract"] = sub["id"] if sub else None
    r["subcontractor"] = sub["subcontractor"] if sub else None
    if r["conflict"]:
        r["recipient"], r["recipient_via"] = manager, "manager (conflict)"
    else:
        for via, who in (("subcontractor", r["subcontractor"]), ("contractor", r["contractor"]),
                         ("manager (fallback)", manager), ("owner (fallback)", r["owner"]),
                         ("land owner (fallback)", r["land_owner"]), ("default contact (fallback)", DEFAULT_CONTACT)):
            if who:
                r["recipient"], r["recipient_via"] = who, via
                break
    return r


# ---------------------------------------------------------------- checks


def to_wgs84(district, x, y):
    out = run(["gdaltransform", "-s_srs", DISTRICTS[district]["crs"], "-t_srs", "EPSG:4326", "-output_xy"],
              input="%r %r\n" % (x, y))
    lon, lat = map(float, out.split()[:2])
    return round(lon, 6), round(lat, 6)


def from_wgs84(district, lon, lat):
    out = run(["gdaltransform", "-s_srs", "EPSG:4326", "-t_srs", DISTRICTS[district]["crs"], "-output_xy"],
              input="%r %r\n" % (lon, lat))
    return tuple(map(float, out.split()[:2]))


def sql(path, query):
    return run(["ogrinfo", "-ro", "-q", "-dialect", "SQLite", "-sql", query, path])


def check():
    errors = []
    err = errors.append
    with open(os.path.join(HERE, "sample.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    with open(os.path.join(HERE, manifest["organisations"]), encoding="utf-8", newline="") as f:
        orgs = list(csv.DictReader(f))
    keys = {o["key"] for o in orgs}
    for o in orgs:
        if sum(1 for k in ("webhook_url", "open311_endpoint", "email") if o[k]) > 1:
            err("organisation %s has more than one channel" % o["key"])
        # The contractor simulator (src/ContractorSimulator) serves exactly these: anything else would never arrive.
        if o["webhook_url"] and o["webhook_url"] != WH + o["key"]:
            err("organisation %s has the webhook %s; the simulator serves %s" % (o["key"], o["webhook_url"], WH + o["key"]))
        if o["open311_endpoint"] and o["open311_endpoint"] != O311 + o["key"] + "/v2":
            err("organisation %s has the Open311 endpoint %s; the simulator serves %s" % (o["key"], o["open311_endpoint"], O311 + o["key"] + "/v2"))
        if o["kind"] not in ("administration", "company", "contractor", "private", "state", "other"):
            err("organisation %s has kind %s" % (o["key"], o["kind"]))
    if DEFAULT_CONTACT not in keys:
        err("default contact missing")
    with open(os.path.join(HERE, manifest["taskTypes"]), encoding="utf-8", newline="") as f:
        codes = {t["code"] for t in csv.DictReader(f)}
    tmp = tempfile.mkdtemp(prefix="twin-check-")
    db, info = [], {}
    try:
        seen_layers = set()
        for entry in manifest["layers"]:
            layer = entry["layer"]
            if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", layer):
                err("layer name %s" % layer)
            path = os.path.join(HERE, entry["file"])
            # ogrinfo summary: feature count and CRS of the file itself
            oi = run(["ogrinfo", "-ro", "-so", "-al", path])
            m = re.search(r"Feature Count: (\d+)", oi)
            count = int(m.group(1)) if m else -1
            epsg = re.findall(r'ID\["EPSG",(\d+)\]\]\s*$', oi, re.M)
            crs = int(epsg[-1]) if "Layer SRS WKT" in oi and epsg and "(unknown)" not in oi else None
            info[layer] = (count, crs)
            if count != EXPECTED_COUNTS[layer]:
                err("%s: %d features, expected %d" % (layer, count, EXPECTED_COUNTS[layer]))
            if crs != EXPECTED_FILE_CRS[layer]:
                err("%s: CRS %s, expected %s" % (layer, crs, EXPECTED_FILE_CRS[layer]))
            objs = read_layer(entry, tmp)
            for o in objs:
                for k in ("owner", "manager", "contractor", "commissioner", "subcontractor"):
                    if o[k] and o[k] not in keys:
                        err("%s: %s %s is not an organisation key" % (o["uid"], k, o[k]))
                for t in o["taskTypes"]:
                    if t not in codes:
                        err("%s: unknown task type %s" % (o["uid"], t))
                for ref in o["objects"]:
                    if ref.split(":")[0] not in seen_layers:
                        err("%s: object %s of a layer not loaded before" % (o["uid"], ref))
                    elif not any(x["uid"] == ref for x in db):
                        err("%s: object %s not found" % (o["uid"], ref))
                if o["kind"] == "subcontract":
                    if o["contractLayer"] not in seen_layers or not any(
                            x["uid"] == "%s:%s" % (o["contractLayer"], o["contract"]) for x in db):
                        err("%s: parent contract not found" % o["uid"])
                for k in ("validFrom", "validTo"):
                    if o[k] and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", o[k]):
                        err("%s: %s %s" % (o["uid"], k, o[k]))
                if not o["id"]:
                    err("%s: feature without id" % layer)
            ids = [o["id"] for o in objs]
            if len(set(ids)) != len(ids):
                err("%s: duplicate ids" % layer)
            db.extend(objs)
            seen_layers.add(layer)
            # geometry validity (SpatiaLite through GDAL's SQLite dialect), on the file itself
            gj = os.path.join(tmp, layer + ".geojson")
            if os.path.exists(gj):
                out = sql(gj, "SELECT COUNT(*) AS n FROM \"%s\" WHERE geometry IS NOT NULL AND NOT ST_IsValid(geometry)"
                          % layer)
                if not re.search(r"n \(Integer\) = 0", out):
                    err("%s: invalid geometries\n%s" % (layer, out))
        # parcels tile each district; buildings lie in one parcel each
        for d in DISTRICTS:
            pj = os.path.join(tmp, "%s-parcels.geojson" % d)
            out = sql(pj, 'SELECT SUM(ST_Area(geometry)) AS s, ST_Area(ST_Union(geometry)) AS u, '
                          'ST_Area(ST_Envelope(ST_Union(geometry))) AS e, '
                          'ST_NumGeometries(ST_Union(geometry)) AS n FROM "%s-parcels"' % d)
            vals = dict(re.findall(r"(\w) \(\w+\) = ([\d.]+)", out))
            s, u, e = (float(vals[k]) for k in "sue")
            if not (abs(s - u) < 0.01 and abs(u - e) < 0.01 and vals["n"] == "1"):
                err("%s parcels do not tile the district: %s" % (d, vals))
            info[d + "-district-area"] = e
            parcels = [o for o in db if o["layer"] == d + "-parcels"]
            for b in db:
                if b["district"] == d and b["kind"] in ("building", "asset") and b["geom"]:
                    pts = [c for p in polygons_of(b["geom"]) for c in p[0]] if b["geom"]["type"] != "Point" \
                        else [b["geom"]["coordinates"]]
                    holders = [p for p in parcels if all(covers(p["geom"], *c[:2]) for c in pts)]
                    if len(holders) != 1 and b["kind"] == "building":
                        err("%s lies in %d parcels" % (b["uid"], len(holders)))
                    if not holders and b["kind"] == "asset":
                        err("asset %s crosses a parcel boundary" % b["uid"])
        # exactly one genuine overlap: same commissioner, a shared task type, overlapping dates and areas
        overlaps = []
        for d in DISTRICTS:
            lay = d + "-contracts"
            cs = [o for o in db if o["layer"] == lay]
            out = sql(os.path.join(tmp, lay + ".geojson"),
                      'SELECT a.rowid AS i, b.rowid AS j FROM "%s" a, "%s" b WHERE a.rowid < b.rowid AND '
                      'ST_Area(ST_Intersection(a.geometry, b.geometry)) > 1' % (lay, lay))
            for i, j in re.findall(r"i \(Integer\) = (\d+)\s+j \(Integer\) = (\d+)", out):
                a, b = cs[int(i)], cs[int(j)]
                tasks = (set(a["taskTypes"]) or set(TASK_CODES)) & (set(b["taskTypes"]) or set(TASK_CODES))
                dates = (a["validFrom"] or "0000") <= (b["validTo"] or "9999") and \
                    (b["validFrom"] or "0000") <= (a["validTo"] or "9999")
                if a["commissioner"] == b["commissioner"] and tasks and dates:
                    overlaps.append((a["id"], b["id"]))
        if overlaps != [("TK-DO-SN-2025", "TK-DO-SS-2025")]:
            err("contract overlaps: %s" % overlaps)
        # Shapefile code page: raw bytes are Windows-1252, names decode with å, ä, ö
        dbf = open(os.path.join(HERE, "stockholm", "buildings.dbf"), "rb").read()
        cpg = open(os.path.join(HERE, "stockholm", "buildings.cpg")).read().strip()
        if cpg != "1252" or "Söderbostäder AB".encode("cp1252") not in dbf or "Tullvaktens gård".encode("cp1252") not in dbf:
            err("buildings.dbf is not Windows-1252 with a .cpg of 1252")
        names = {o["name"] for o in db if o["layer"] == "sthlm-buildings"}
        if "Tullvaktens gård" not in names or "Skanstullshöjden" not in names:
            err("Shapefile names come back garbled: %s" % names)
        # stories, at the native point and at the rounded WGS84 point
        results = []
        for sid, d, title, (lx, ly), task, date, exp in STORIES:
            ox, oy = DISTRICTS[d]["origin"]
            x, y = lx + ox, ly + oy
            r = resolve(db, d, x, y, task, date)
            lon, lat = to_wgs84(d, x, y)
            x2, y2 = from_wgs84(d, lon, lat)
            r2 = resolve(db, d, x2, y2, task, date)
            for k in ("target", "land_owner", "owner", "manager", "contract", "subcontract", "recipient", "conflict"):
                if r[k] != r2[k]:
                    err("%s: WGS84 point gives %s=%s, native %s" % (sid, k, r2[k], r[k]))
            for k, v in exp.items():
                if r[k] != v:
                    err("%s: %s is %s, expected %s" % (sid, k, r[k], v))
            # the story point is unambiguous: no other asset/building within the tolerance
            near = [u for u, dist in r["stack"] if u.split(":")[0].split("-", 1)[1] in
                    ("assets", "buildings", "streetlights") and u != r["target"] and dist > 0]
            if near:
                err("%s: other objects within %g m: %s" % (sid, TOLERANCE, near))
            # cross-check the stack with SpatiaLite
            for u, dist in r["stack"]:
                lay = u.split(":")[0]
                out = sql(os.path.join(tmp, lay + ".geojson"),
                          "SELECT COUNT(*) AS n FROM \"%s\" WHERE ST_Distance(geometry, MakePoint(%r, %r)) <= %g"
                          % (lay, x, y, TOLERANCE))
                n_sp = int(re.search(r"n \(Integer\) = (\d+)", out).group(1))
                n_py = sum(1 for v, _ in r["stack"] if v.split(":")[0] == lay)
                if n_sp != n_py:
                    err("%s: SpatiaLite finds %d objects of %s within %g m, resolver %d" % (sid, n_sp, lay,
                                                                                          TOLERANCE, n_py))
            results.append((sid, d, title, (x, y), (lon, lat), task, date, r))
    finally:
        shutil.rmtree(tmp)
    return errors, results, info


# ---------------------------------------------------------------- README


README_HEAD = """# Sample city

Two small fictitious districts that `./twin up` loads into an empty database, in the order of
`sample.json`. Every file here is written by `make_sample.py` (python3, standard library, GDAL's
`ogr2ogr`/`gdaltransform`/`ogrinfo`); edit the coordinates and attributes there and rerun

    python3 data/sample/make_sample.py          # rewrites every file, checks them, rewrites this README
    python3 data/sample/make_sample.py --check  # checks the files as they are

The check reads every layer back through `sample.json` and its mapping file, checks CRS and feature
counts, geometry validity (SpatiaLite `ST_IsValid`), that the parcels tile each district without gap or
overlap, that each building lies in one parcel, and resolves every story below with a small reference
implementation of product contract section 3 at both the native and the rounded WGS84 point.

Names of companies and people are made up; street names and parcel designations only look real.

## Districts

* **Stockholm, Skanstull** (Södermalm), EPSG:3011 SWEREF 99 18 00, about 400 m x 530 m around
  Götgatan x Ringvägen (E 154150..154550, N 6576670..6577200). Götgatan runs south over Hammarby
  kanal on Skanstullsbron; Skanstullsparken lies south-west of the crossing, a strip of quay on both
  sides of the bridge.
* **Helsinki, Etu-Töölö**, EPSG:3879 ETRS-GK25, about 400 m x 350 m around Mannerheimintie x
  Arkadiankatu (E 25496100..25496500, N 6673450..6673800), Töölönlahden puisto east of Mannerheimintie.

Coordinates are stored easting first in every file (x = E, y = N), whatever the EPSG axis order of
3011/3879 says, as GIS files do.

## Files

| file | format | CRS | layer (kind) | features | contents |
| --- | --- | --- | --- | --- | --- |
| `sample.json` | JSON manifest | | | | organisations, task types, then the layers in load order |
| `organisations.csv` | CSV, UTF-8 | | | {n_orgs} | `key,kind,name_fi,name_sv,name_en,webhook_url,open311_endpoint,email`; one channel each: webhooks and Open311 endpoints on `http://127.0.0.1:5099/webhooks/KEY` and `http://127.0.0.1:5099/open311/KEY/v2` (a local fake receiver), e-mail at example.org. `kontaktcenter` is the default contact. |
| `task-types.csv` | CSV, UTF-8 | | | {n_tasks} | `code,name_fi,name_sv,name_en` |
| `stockholm/parcels.gpkg` | GeoPackage (table `fastigheter`) | EPSG:3011 | sthlm-parcels (parcel) | {c[sthlm-parcels]} | Fastigheter tiling the district: street land, park land, quays, Hammarby kanal (water), five blocks. Owner `agare` is a name; the mapping turns "Stockholms stad" into `exploateringskontoret` (the city's land owner). |
| `stockholm/buildings.shp` (+ `.shx .dbf .prj .cpg`) | ESRI Shapefile, dBASE in Windows-1252, `.cpg` = `1252` | EPSG:3011 (`.prj`) | sthlm-buildings (building) | {c[sthlm-buildings]} | Buildings with Swedish names (å, ä, ö) and owner names mapped to keys: Söderbostäder AB's houses on city land (tomträtt), a housing cooperative's house on its own parcel, a sports hall. No manager column: owners keep up their buildings. |
| `stockholm/assets.gpkg` | GeoPackage (table `anlaggningar`) | EPSG:3011 | sthlm-assets (asset) | {c[sthlm-assets]} | Götgatan (two stretches) and Ringvägen (street), Skanstullsbron (bridge, over the water parcel) with two pillars (bridge-pillar), Skanstullsparken (park) and its playground. Swedish `typ` values mapped to types. |
| `stockholm/streetlights.csv` | CSV, UTF-8, x/y columns `E`,`N` | none in file; mapping says EPSG:3011 | sthlm-streetlights (asset) | {c[sthlm-streetlights]} | Street-light poles (points), type `street-light`, Trafikkontoret. |
| `stockholm/areas.geojson` | GeoJSON with a legacy `crs` member `urn:ogc:def:crs:EPSG::3011` | EPSG:3011 | sthlm-areas (area) | {c[sthlm-areas]} | The district (type `district`, no manager: context only), Trafikkontoret's street land and the district administration's park land + quays (type `management`, with manager and task types). |
| `stockholm/contracts.geojson` | GeoJSON RFC 7946 (no `crs`) | WGS84 lon/lat | sthlm-contracts (contract) | {c[sthlm-contracts]} | Maintenance contract areas: bridges (also listing the bridge and pillars in `objekt`), two street operation areas (overlapping on purpose), three consecutive park contracts, the housing company's property-services contract (listing its buildings). |
| `stockholm/subcontracts.csv` | CSV, UTF-8, no geometry | | sthlm-subcontracts (subcontract) | {c[sthlm-subcontracts]} | Subcontracts by parent `kontrakt` id in sthlm-contracts: graffiti on the bridges, street lighting in both street areas. |
| `helsinki/parcels.csv` | CSV, UTF-8, WKT column `wkt` | none in file; mapping says EPSG:3879 | hki-parcels (parcel) | {c[hki-parcels]} | Kiinteistöt: street area, park area, a company's own plot, the state's vacant plot, a city plot leased out. "Helsingin kaupunki" maps to `kaupunkiymparisto`. |
| `helsinki/buildings.geojson` | GeoJSON **without** a `crs` member but with EPSG:3879 coordinates (a common export mistake) | mapping says EPSG:3879 | hki-buildings (building) | {c[hki-buildings]} | Two buildings of two property companies (Kiinteistö Oy). |
| `helsinki/assets.gpkg` | GeoPackage (table `kohteet`) | EPSG:3879 | hki-assets (asset) | {c[hki-assets]} | Mannerheimintie, Arkadiankatu (street), Töölönlahden puisto (park), under Kaupunkiympäristön toimiala. |
| `helsinki/areas.shp` (+ `.shx .dbf .prj .cpg`) | ESRI Shapefile, dBASE in UTF-8, `.cpg` = `UTF-8` | EPSG:3879 (`.prj`) | hki-areas (area) | {c[hki-areas]} | The district (no manager) and Kaupunkiympäristö's maintenance area over the streets and the park (no task types listed: all). |
| `helsinki/contracts.geojson` | GeoJSON with a legacy `crs` member `EPSG:3879` | EPSG:3879 | hki-contracts (contract) | {c[hki-contracts]} | The previous (2019-10-01..2024-09-30) and the current (2024-10-01..2029-09-30) area contract of the inner city; contractor and commissioner (`KYMP`) are names mapped to keys. |
| `helsinki/subcontracts.csv` | CSV, UTF-8, WKT column `alue_wkt` (sub-area; empty = the whole contract area) | mapping says EPSG:3879 | hki-subcontracts (subcontract) | {c[hki-subcontracts]} | Graffiti removal in Töölönlahden puisto only (with a sub-area), street lighting everywhere (empty WKT). |
| `mappings/LAYER.json` | JSON | | | | One mapping per layer file: source field, constant `{{"value": ...}}` or lookup `{{"field": ..., "map": {{...}}}}` per domain field; `crs` where the file has none (CSV, the Helsinki buildings GeoJSON). |
| `make_sample.py` | python3 | | | | Writes and checks all of the above. |
| `basemap/stockholm.geojson`, `basemap/helsinki.geojson` | GeoJSON RFC 7946 | WGS84 lon/lat | the basemap (not a layer) | 57, 40 | The background map the UI draws under the layers without internet: streets (centre lines with names), blocks, parks and water around each district, synthesised on a regular grid in the districts' own local metres by `basemap/make_basemap.py` (rerun it to rewrite them) so that they run under the sample's streets and canal. Loaded by `load-sample` into `basemap_features`, served at `/tiles/basemap/{z}/{x}/{y}.mvt`. |

Empty values (empty CSV/dBASE strings, JSON `null`) mean "not given": an area with no manager is
context only, an empty `taskTypes` means all task types, an empty `validTo` is open-ended, an empty
sub-area WKT means the whole contract area. Multi-valued fields (`objects`, `taskTypes`) are separated
by `;`; objects are `layer:id` stable ids of layers loaded earlier in the manifest. Source ids may
contain spaces and colons (Swedish parcel designations such as `Södermalm 5:2`): a stable id splits
at its first `:`.

## What the data is meant to show

* **Bridge pillar chain (product contract section 1)**: Skanstullsbron and its pillars stand on the water parcel
  Södermalm 7:1 (land owner Exploateringskontoret), are managed by Trafikkontoret, whose bridge
  contract TK-BRO-2025 (Brounderhåll Norden AB) lists them; graffiti goes on to the subcontractor
  Klotterfritt Stockholm AB.
* **Building owner rule**: Söderbostäder AB's buildings on city land have no manager column; the owner
  is the manager and its own contract SB-FS-2024 lists them. The cooperative's building has no contract:
  the cooperative itself is the recipient.
* **Streets vs parks**: streets (Trafikkontoret, contracts TK-DO-SN-2025 / TK-DO-SS-2025) and the park
  (Södermalms stadsdelsförvaltning, park contracts); the quays have no asset, so the park land
  management area names the manager.
* **Time**: park care has an expired (2019–2024), a current (2025–2026) and a coming (2027–2031)
  contract; Helsinki has a previous and a current area contract.
* **Conflict**: TK-DO-SS-2025 was digitised up to the northern kerb of Ringvägen east of Götgatan,
  overlapping TK-DO-SN-2025 on a 100 m x 20 m strip (E 154450..154550, N 6577020..6577040) for all
  their task types. `contractOverlaps` should report exactly this one overlap.
* **Gap**: Trafikkontoret has no winter-maintenance contract in Skanstull (it is out for tender), while
  its assets and management area cover that task. Smaller gaps follow from the data too: on
  Skanstullsbron only graffiti, damage and litter are contracted (no pothole or traffic-signs
  contract there), and Trafikkontoret has no contracts at all before 2025.
  `contractOverlaps` must not report the three park contracts (or Helsinki's two area contracts):
  they share one area but not their dates.
* **Helsinki**: the same chain under Kaupunkiympäristön toimiala with a subcontract that has its own
  sub-area, and open ground on the state's vacant plot where only the parcel answers.

## Stories: what to click or ask

Each row was resolved by `make_sample.py --check` with the product contract section 3 rules (tolerance 10 m) at the
native point and again at the WGS84 point rounded to 6 decimals; both give the same answer. Ids are
`layer:id`. "Today" is {today}. Contract "(objects)" means it lists the target object, "(area)" that its
area covers the point.

"""


def fmt_org(k):
    return "`%s`" % k if k else "–"


def readme(results, info):
    counts = {k: v[0] for k, v in info.items() if isinstance(v, tuple)}
    head = README_HEAD.format(n_orgs=len(ORGANISATIONS), n_tasks=len(TASK_TYPES), c=counts, today=TODAY)
    rows = ["| # | story | WGS84 lon, lat | native E, N | task | date | target | land owner | owner | manager "
            "| contract | subcontract | recipient | conflict, fallbacks, notes |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for sid, d, title, (x, y), (lon, lat), task, date, r in results:
        notes = [n for n in r["notes"] if n.startswith("open ground")]
        if r.get("manager_via") and r["manager_via"] != "own":
            notes.append("manager from " + r["manager_via"])
        if r["conflict"]:
            notes.append("**conflict**: %s; candidates listed, recipient is the manager" % ", ".join(r["conflict"]))
        if r["recipient_via"] not in ("subcontractor", "contractor", "manager (conflict)"):
            notes.append("recipient: " + r["recipient_via"])
        if not r["contract"] and not r["conflict"] and r["target"]:
            notes.append("no contract for the task")
        notes.extend(n for n in r["notes"] if not n.startswith("open ground"))
        contract = "`%s` (%s)" % (r["contract"], "objects" if r["contract_level"] == "lists the object" else "area") \
            if r["contract"] else "–"
        rows.append("| %s | %s | %.6f, %.6f | %s %s: %s, %s | %s | %s | %s | %s | %s | %s | %s | %s | **%s** | %s |" % (
            sid, title, lon, lat, DISTRICTS[d]["name"].split()[0], DISTRICTS[d]["crs"], num(x), num(y), task, date,
            "`%s`" % r["target"] if r["target"] else "– (nothing here)", fmt_org(r["land_owner"]), fmt_org(r["owner"]),
            fmt_org(r["manager"]), contract, "`%s`" % r["subcontract"] if r["subcontract"] else "–",
            "`%s`" % r["recipient"], "; ".join(notes) if notes else "–"))
    tail = """
The explanation (product contract 3.8) should also mention the contracts listed in the last column
as ended or not yet started. S1 and S2 hit the pillar polygon (16 m x 4 m) at its centre; clicking the
deck elsewhere gives the bridge `sthlm-assets:TK-BRO-0417`, with the same contract. Every story point
is more than 10 m from any asset or building other than the target (and, for S1/S2, the bridge deck
around the pillar), so the 10 m tolerance does not change the target.
"""
    with open(os.path.join(HERE, "README.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write(head + "\n".join(rows) + "\n" + tail)
    return rows


def main():
    if "--check" not in sys.argv:
        write_all()
    errors, results, info = check()
    for e in errors:
        print("ERROR:", e)
    if errors:
        sys.exit(1)
    if "--check" not in sys.argv:
        rows = readme(results, info)
    for layer, (count, crs) in ((k, v) for k, v in info.items() if isinstance(v, tuple)):
        print("%-20s %3d features, file CRS %s" % (layer, count, "EPSG:%d" % crs if crs else "(none)"))
    for sid, d, title, _, _, task, date, r in results:
        print("%-4s %-18s %-10s %-38s -> %s%s" % (sid, task, date, r["target"], r["recipient"],
                                                  " CONFLICT %s" % r["conflict"] if r["conflict"] else ""))
    print("sample OK")


if __name__ == "__main__":
    main()
