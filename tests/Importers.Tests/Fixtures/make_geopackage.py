#!/usr/bin/env python3
"""Writes puistot.gpkg, the GeoPackage fixture of GeoPackageSourceTests, with Python's own sqlite3 (no GDAL needed).

Run from this folder: python3 make_geopackage.py. What it holds, one case each:
  puistot (EPSG:3067): 300 parks, so the table spans several b-tree pages; names with a/o umlauts; BOOLEAN and DATE
    columns; row 2 a NULL geometry, row 3 an empty one (header flag), row 4 a polygon of 2,000 points (overflow pages),
    row 5 a CompoundCurve (not readable by NTS); the column "huomautus" added by ALTER TABLE after row 299, so older
    records are shorter than the table.
  kadut: 2 streets in a CRS given only as ESRI WKT (SWEREF99_18_00, organisation NONE).
  kuvat: a tiles entry in gpkg_contents, which is not a feature table.
"""
import math
import os
import sqlite3
import struct

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "puistot.gpkg")
SWEREF_18 = ('PROJCS["SWEREF99_18_00",GEOGCS["GCS_SWEREF99",DATUM["D_SWEREF99",SPHEROID["GRS_1980",6378137.0,298.257222101]],'
             'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
             'PARAMETER["False_Easting",150000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",18.0],'
             'PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]')


def header(srs_id, envelope=None, empty=False):
    flags = 1 | (2 if envelope else 0) | (16 if empty else 0)
    blob = b"GP" + bytes([0, flags]) + struct.pack("<i", srs_id)
    if envelope:
        blob += struct.pack("<4d", *envelope)
    return blob


def polygon(srs_id, rings):
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    wkb = struct.pack("<BII", 1, 3, len(rings))
    for ring in rings:
        wkb += struct.pack("<I", len(ring)) + b"".join(struct.pack("<2d", x, y) for x, y in ring)
    return header(srs_id, (min(xs), max(xs), min(ys), max(ys))) + wkb


def linestring(srs_id, points):
    return header(srs_id) + struct.pack("<BII", 1, 2, len(points)) + b"".join(struct.pack("<2d", x, y) for x, y in points)


def square(x, y, size):
    return [[(x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y)]]


if os.path.exists(PATH):
    os.remove(PATH)
db = sqlite3.connect(PATH)
db.execute("PRAGMA application_id = 1196444487")  # 'GPKG'
db.execute("PRAGMA user_version = 10300")
db.executescript("""
CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER);
CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name));
CREATE TABLE "puistot" ("fid" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "geom" POLYGON, "nimi" TEXT(80),
  "hoitoluokka" MEDIUMINT, "pinta_ala" REAL, "aktiivinen" BOOLEAN, "perustettu" DATE);
CREATE TABLE kadut (fid INTEGER PRIMARY KEY, geom LINESTRING, nimi TEXT);
""")
db.executemany("INSERT INTO gpkg_spatial_ref_sys VALUES (?,?,?,?,?,?)", [
    ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", None),
    ("Undefined geographic SRS", 0, "NONE", 0, "undefined", None),
    ("ETRS89 / TM35FIN(E,N)", 3067, "EPSG", 3067, 'PROJCS["ETRS89 / TM35FIN(E,N)"]', None),
    ("SWEREF99 18 00 as a .prj", 100001, "NONE", 100001, SWEREF_18, None),
])
db.executemany("INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES (?,?,?,?)", [
    ("puistot", "features", "Puistot", 3067), ("kadut", "features", "Kadut", 100001), ("kuvat", "tiles", "Kuvat", 3067)])
db.executemany("INSERT INTO gpkg_geometry_columns VALUES (?,?,?,?,0,0)", [("puistot", "geom", "POLYGON", 3067), ("kadut", "geom", "LINESTRING", 100001)])

names = ["Kaivopuisto", "Töölönlahden puisto", "Sinebrychoffin puisto", "Alppipuisto", "Käpylän puisto"]
for fid in range(1, 300):
    x, y = 385000.0 + fid * 30, 6671000.0 + fid * 10
    geom = polygon(3067, square(x, y, 25))
    if fid == 2:
        geom = None
    elif fid == 3:
        geom = header(3067, empty=True) + struct.pack("<BII", 1, 3, 0)
    elif fid == 4:
        ring = [(x + 500 * math.cos(2 * math.pi * i / 2000), y + 500 * math.sin(2 * math.pi * i / 2000)) for i in range(2000)]
        geom = polygon(3067, [ring + [ring[0]]])
    elif fid == 5:
        geom = header(3067) + struct.pack("<BII", 1, 9, 0)  # an empty CompoundCurve
    db.execute("INSERT INTO puistot (fid, geom, nimi, hoitoluokka, pinta_ala, aktiivinen, perustettu) VALUES (?,?,?,?,?,?,?)",
               (fid, geom, names[fid % len(names)] if fid > 1 else "Kaivopuisto", fid % 3 + 1, 625.5, fid % 2, "2001-05-%02d" % (fid % 28 + 1)))
db.execute("ALTER TABLE puistot ADD COLUMN huomautus TEXT")
db.execute("INSERT INTO puistot (fid, geom, nimi, hoitoluokka, pinta_ala, aktiivinen, perustettu, huomautus) VALUES (300, ?, 'Esplanadi', 1, 625.5, 1, '1818-01-01', 'lisätty myöhemmin')",
           (polygon(3067, square(385500.0, 6672000.0, 25)),))
db.executemany("INSERT INTO kadut VALUES (?,?,?)", [
    (1, linestring(100001, [(153000.0, 6580000.0), (153100.0, 6580050.0)]), "Drottninggatan"),
    (2, linestring(100001, [(153200.0, 6580100.0), (153300.0, 6580150.0)]), "Götgatan")])
db.commit()
db.execute("VACUUM")
db.close()
