using System.Collections.Concurrent;
using System.Globalization;
using DigitalTwin.Importers.Sources;
using Npgsql;
using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;

namespace DigitalTwin.Importers.Reprojection;

/// <summary>
/// The coordinate systems the importer supports, with their definitions from PostGIS's <c>spatial_ref_sys</c>
/// (ProjNet has no EPSG database): names CRSs, identifies the WKT of .prj files, and builds reprojectors.
/// </summary>
internal sealed class CrsCatalog
{
    /// <summary>
    /// WGS 84, ETRS89, Web Mercator, LAEA Europe, Finland's TM35FIN and GK19–GK31, Sweden's SWEREF 99 TM and its 12 local
    /// zones, and ETRS89 / UTM 32N and 33N.
    /// </summary>
    public static readonly IReadOnlyList<int> SupportedCodes =
    [
        4326, 4258, 3857, 3035, 3067,
        .. Enumerable.Range(3873, 13),
        .. Enumerable.Range(3006, 13),
        25832, 25833,
    ];

    private readonly Dictionary<int, string> wktByCode;
    private readonly Dictionary<int, CrsSignature> signatures;
    private readonly ConcurrentDictionary<(int, int), GeometryReprojector> reprojectors = new();

    /// <param name="wktByCode">The WKT of each supported code, as spatial_ref_sys holds it.</param>
    internal CrsCatalog(IReadOnlyDictionary<int, string> wktByCode)
    {
        this.wktByCode = wktByCode.Where(e => SupportedCodes.Contains(e.Key)).ToDictionary();
        signatures = this.wktByCode
            .Select(e => (e.Key, Signature: WktNode.TryParse(e.Value) is { } node ? CrsSignature.From(node) : null))
            .Where(e => e.Signature is not null)
            .ToDictionary(e => e.Key, e => e.Signature!);
    }

    /// <summary>The supported codes this database defines.</summary>
    public IReadOnlyCollection<int> Codes => wktByCode.Keys;

    /// <summary>Loads the definitions of the supported codes, a few dozen rows.</summary>
    public static async Task<CrsCatalog> LoadAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT srid, srtext FROM spatial_ref_sys WHERE auth_name = 'EPSG' AND auth_srid = srid AND srid = ANY($1)");
        command.Parameters.AddWithValue(SupportedCodes.ToArray());
        var wktByCode = new Dictionary<int, string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!reader.IsDBNull(1)) wktByCode[reader.GetInt32(0)] = reader.GetString(1);
        }
        return new CrsCatalog(wktByCode);
    }

    /// <summary>
    /// Reads a CRS as a user gives it (<c>--crs</c>, a mapping file): <c>EPSG:3011</c>, <c>3011</c>,
    /// <c>urn:ogc:def:crs:EPSG::3011</c>, <c>http://www.opengis.net/def/crs/EPSG/0/3011</c>, <c>CRS84</c>, or WKT.
    /// </summary>
    /// <exception cref="CrsException">The text names no CRS, or one that is not supported.</exception>
    public SourceCrs Parse(string text)
    {
        if (CrsNames.TryParseEpsg(text, out var epsg))
        {
            Require(epsg);
            return SourceCrs.FromEpsg(epsg);
        }
        var trimmed = text.Trim();
        if (trimmed.StartsWith("PROJCS", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("GEOGCS", StringComparison.OrdinalIgnoreCase))
            return new SourceCrs(null, trimmed);
        throw new CrsException($"\"{text}\" does not name a coordinate system; write it as EPSG:3879 (or 3879, or an OGC URN).");
    }

    /// <summary>
    /// The EPSG code of a declared CRS: its code, else the top-level AUTHORITY of its WKT, else the supported system
    /// whose ellipsoid, projection and parameters match the WKT's (how ESRI .prj files are identified).
    /// </summary>
    /// <exception cref="CrsException">The CRS is not supported or cannot be identified; the message names it.</exception>
    public int Identify(SourceCrs crs)
    {
        if (crs.Epsg is { } code)
        {
            Require(code);
            return code;
        }
        var wkt = crs.Wkt ?? throw new CrsException("the coordinate system has neither an EPSG code nor a WKT definition.");
        var root = WktNode.TryParse(wkt)
            ?? throw new CrsException($"the coordinate system definition is not WKT (it starts with \"{Shorten(wkt)}\"); give the CRS with --crs EPSG:N.");

        if (TopLevelEpsg(root) is { } declared)
        {
            Require(declared, root.Name);
            return declared;
        }

        var signature = CrsSignature.From(root)
            ?? throw new CrsException($"the coordinate system \"{root.Name}\" ({root.Keyword}) cannot be identified; give it with --crs EPSG:N.");
        var matches = signatures.Where(e => e.Value.SameProjectionAs(signature)).OrderBy(e => e.Key).ToList();
        if (matches.Count == 0)
            throw new CrsException($"the coordinate system {signature} matches none of the supported ones ({SupportedList()}); give it with --crs EPSG:N.");

        // SWEREF 99 TM and ETRS89 / UTM 33N share every parameter: the datum tells them apart. Where even that is the
        // same, the candidates give the same coordinates, so the one whose name matches best is only the nicer label.
        var sameDatum = matches.Where(m => m.Value.DatumFamily == signature.DatumFamily).ToList();
        if (sameDatum.Count > 0) matches = sameDatum;
        var name = CrsSignature.Normalise(signature.Name);
        return matches.FirstOrDefault(m => CrsSignature.Normalise(m.Value.Name) == name).Key is var exact and > 0 ? exact : matches[0].Key;
    }

    /// <summary>
    /// A reprojector between two supported codes, built once and shared: ProjNet transforms hold no per-call state.
    /// </summary>
    /// <exception cref="CrsException">Either code is not supported.</exception>
    public GeometryReprojector CreateReprojector(int sourceEpsg, int targetEpsg)
    {
        Require(sourceEpsg);
        Require(targetEpsg);
        return reprojectors.GetOrAdd((sourceEpsg, targetEpsg), key =>
        {
            if (key.Item1 == key.Item2) return new GeometryReprojector([], key.Item1, key.Item2);
            return new GeometryReprojector(Transform(CoordinateSystem(key.Item1), CoordinateSystem(key.Item2)), key.Item1, key.Item2);
        });
    }

    /// <summary>
    /// Between systems on WGS 84, ETRS89 or SWEREF 99 (all of ours), PROJ and so PostGIS apply no datum shift: longitude
    /// and latitude carry over unchanged. ProjNet would go through geocentric coordinates and back, which for the zero
    /// TOWGS84 of spatial_ref_sys moves points by millimetres (the ellipsoids differ) and costs time. So such a transform
    /// is the inverse projection, then the projection; any other pair goes through ProjNet's full datum transformation.
    /// </summary>
    private static MathTransform[] Transform(CoordinateSystem source, CoordinateSystem target)
    {
        var factory = new CoordinateTransformationFactory();
        var sourceGeographic = (source as ProjectedCoordinateSystem)?.GeographicCoordinateSystem ?? source as GeographicCoordinateSystem;
        var targetGeographic = (target as ProjectedCoordinateSystem)?.GeographicCoordinateSystem ?? target as GeographicCoordinateSystem;
        if (sourceGeographic is null || targetGeographic is null || !NoDatumShift(sourceGeographic) || !NoDatumShift(targetGeographic))
            return [factory.CreateFromCoordinateSystems(source, target).MathTransform];

        var steps = new List<MathTransform>();
        if (source is ProjectedCoordinateSystem projectedSource)
            steps.Add(factory.CreateFromCoordinateSystems(projectedSource, sourceGeographic).MathTransform);
        if (target is ProjectedCoordinateSystem projectedTarget)
            steps.Add(factory.CreateFromCoordinateSystems(targetGeographic, projectedTarget).MathTransform);
        return [.. steps];
    }

    private static bool NoDatumShift(GeographicCoordinateSystem geographic) =>
        geographic.HorizontalDatum.Wgs84Parameters is null || geographic.HorizontalDatum.Wgs84Parameters.HasZeroValuesOnly;

    /// <summary>ProjNet's coordinate system for a supported code, from spatial_ref_sys's WKT.</summary>
    internal CoordinateSystem CoordinateSystem(int code)
    {
        Require(code);
        // spatial_ref_sys describes 3857 as Mercator_1SP on the WGS 84 ellipsoid, which ProjNet would take for the
        // ellipsoidal World Mercator (EPSG:3395, kilometres off in y); ProjNet's own Web Mercator is the spherical one.
        if (code == 3857) return ProjectedCoordinateSystem.WebMercator;
        return new CoordinateSystemFactory().CreateFromWkt(wktByCode[code]);
    }

    private void Require(int code, string? name = null)
    {
        var label = name is null ? $"EPSG:{code}" : $"\"{name}\" (EPSG:{code})";
        if (!SupportedCodes.Contains(code))
            throw new CrsException($"{label} is not a supported coordinate system; supported are {SupportedList()}.");
        if (!wktByCode.ContainsKey(code))
            throw new CrsException($"{label} is supported but missing from this database's spatial_ref_sys (is PostGIS installed?).");
    }

    private static int? TopLevelEpsg(WktNode root)
    {
        var authority = root.ChildrenNamed("AUTHORITY").Concat(root.ChildrenNamed("ID")).LastOrDefault();
        if (authority is null || !"EPSG".Equals(authority.Name, StringComparison.OrdinalIgnoreCase) || authority.Arguments.Count < 2) return null;
        return authority.Arguments[1] switch
        {
            double d when d == Math.Floor(d) && d > 0 => (int)d,
            string s when int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var i) => i,
            _ => null,
        };
    }

    private static string SupportedList() =>
        "EPSG:4326, 4258, 3857, 3035, 3067, 3873-3885 (GK19-GK31), 3006-3018 (SWEREF 99), 25832, 25833";

    private static string Shorten(string text)
    {
        var line = text.Trim().ReplaceLineEndings(" ");
        return line.Length <= 40 ? line : line[..40] + "...";
    }
}

/// <summary>A coordinate system that is not supported, unknown, or cannot be identified; the message says which.</summary>
internal sealed class CrsException(string message) : Exception(message);
