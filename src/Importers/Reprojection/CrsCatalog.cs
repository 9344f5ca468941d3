using System.Collections.Concurrent;
using System.Globalization;
using DigitalTwin.Importers.Sources;
using Npgsql;
using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;

namespace DigitalTwin.Importers.Reprojection;

/// <summary>
/// Every coordinate system PostGIS knows (its <c>spatial_ref_sys</c>, about 6,200 EPSG codes; ProjNet has no EPSG
/// database): names CRSs, identifies the WKT of .prj files, and builds reprojectors, with ProjNet where it agrees with
/// PostGIS and with PostGIS itself where it does not.
/// </summary>
/// <remarks>
/// The definitions of <see cref="CommonCodes"/> are loaded up front; any other code's when it is first asked for. A .prj
/// without an AUTHORITY is matched by its parameters against the common codes first, then against every EPSG CRS
/// (whose parameters are read once per process).
/// </remarks>
internal sealed class CrsCatalog
{
    /// <summary>
    /// The CRSs GIS staff here use most: WGS 84, ETRS89, Web Mercator, LAEA Europe, Finland's TM35FIN and GK19–GK31,
    /// Sweden's SWEREF 99 TM and its 12 local zones, ETRS89 / UTM 32N and 33N. Loaded with the catalog, preferred when a
    /// .prj matches several CRSs, and tried first when the importer guesses what coordinates are in.
    /// </summary>
    public static readonly IReadOnlyList<int> CommonCodes =
    [
        4326, 4258, 3857, 3035, 3067,
        .. Enumerable.Range(3873, 13),
        .. Enumerable.Range(3006, 13),
        25832, 25833,
    ];

    /// <summary>How far the in-process reprojection may be from PostGIS's ST_Transform, anywhere in the source CRS's area of use, to be used instead of it.</summary>
    public const double ProjNetTolerance = 0.005;

    /// <summary>Each pair of definitions' way of reprojecting, decided once per process.</summary>
    private static readonly ConcurrentDictionary<(string, string), ReprojectionChoice> Choices = new();

    /// <summary>The signatures of every EPSG CRS of a database, for .prj files without an AUTHORITY.</summary>
    private static readonly ConcurrentDictionary<string, Lazy<Task<Dictionary<int, CrsSignature>>>> AllSignatures = new();

    private readonly NpgsqlDataSource dataSource;
    private readonly ConcurrentDictionary<int, Definition> definitions = new();
    private readonly Dictionary<int, CrsSignature> commonSignatures;
    private readonly ConcurrentDictionary<(int, int), GeometryReprojector> reprojectors = new();

    private CrsCatalog(NpgsqlDataSource dataSource, IEnumerable<Definition> common)
    {
        this.dataSource = dataSource;
        foreach (var definition in common) definitions[definition.Code] = definition;
        commonSignatures = definitions.Values.Where(d => d.Signature is not null).ToDictionary(d => d.Code, d => d.Signature!);
    }

    /// <summary>The codes whose definitions are loaded: the common ones, and those asked for since.</summary>
    public IReadOnlyCollection<int> Codes => [.. definitions.Keys];

    /// <summary>Loads the definitions of the common codes, a few dozen rows.</summary>
    public static async Task<CrsCatalog> LoadAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken) =>
        new(dataSource, await DefinitionsAsync(dataSource, [.. CommonCodes], cancellationToken));

    /// <summary>
    /// Reads a CRS as a user gives it (<c>--crs</c>, a mapping file): <c>EPSG:3011</c>, <c>3011</c>,
    /// <c>urn:ogc:def:crs:EPSG::3011</c>, <c>http://www.opengis.net/def/crs/EPSG/0/3011</c>, <c>CRS84</c>, or WKT.
    /// Whether the database knows it is for <see cref="IdentifyAsync"/> to say.
    /// </summary>
    /// <exception cref="CrsException">The text names no CRS.</exception>
    public static SourceCrs Parse(string text)
    {
        if (CrsNames.TryParseEpsg(text, out var epsg)) return SourceCrs.FromEpsg(epsg);
        var trimmed = text.Trim();
        if (trimmed.StartsWith("PROJCS", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("GEOGCS", StringComparison.OrdinalIgnoreCase))
            return new SourceCrs(null, trimmed);
        throw new CrsException($"\"{text}\" does not name a coordinate system; write it as EPSG:3879 (or 3879, or an OGC URN), or give its WKT.");
    }

    /// <summary>
    /// The EPSG code of a declared CRS, with its definition loaded: its code, else the top-level AUTHORITY of its WKT,
    /// else the CRS whose ellipsoid, datum, projection and parameters match the WKT's (how ESRI .prj files are
    /// identified): a common one if one matches, else any EPSG CRS, preferring one EPSG has not deprecated.
    /// </summary>
    /// <exception cref="CrsException">The database does not know the CRS, or it cannot be identified; the message names it.</exception>
    public async Task<int> IdentifyAsync(SourceCrs crs, CancellationToken cancellationToken)
    {
        if (crs.Epsg is { } code)
        {
            await RequireAsync(code, null, cancellationToken);
            return code;
        }
        var wkt = crs.Wkt ?? throw new CrsException("the coordinate system has neither an EPSG code nor a WKT definition.");
        var root = WktNode.TryParse(wkt)
            ?? throw new CrsException($"the coordinate system definition is not WKT (it starts with \"{Shorten(wkt)}\"); give the CRS with --crs EPSG:N.");

        if (TopLevelEpsg(root) is { } declared)
        {
            await RequireAsync(declared, root.Name, cancellationToken);
            return declared;
        }

        var signature = CrsSignature.From(root)
            ?? throw new CrsException($"the coordinate system \"{root.Name}\" ({root.Keyword}) cannot be identified; give it with --crs EPSG:N.");
        var match = BestMatch(signature, commonSignatures)
            ?? BestMatch(signature, await AllSignaturesAsync(cancellationToken))
            ?? throw new CrsException($"the coordinate system {signature} matches none that PostGIS knows; give it with --crs EPSG:N.");
        await RequireAsync(match, null, cancellationToken);
        return match;
    }

    /// <summary>The name of a loaded code, as its definition gives it: "SWEREF99 18 00".</summary>
    public string Name(int code) => definitions.TryGetValue(code, out var d) ? d.Name : $"EPSG:{code}";

    /// <summary>The unit areas come in, in a loaded code's coordinates: "m²", "square degrees", or the square of its unit.</summary>
    public string AreaUnit(int code) => !definitions.TryGetValue(code, out var d) ? "square units"
        : d.Geographic ? "square degrees"
        : d.Signature is not { } signature || Math.Abs(signature.MetresPerUnit - 1) < 1e-9 ? "m²"
        : string.Create(CultureInfo.InvariantCulture, $"square units of {signature.MetresPerUnit:0.######} m");

    /// <summary>Whether a loaded code is longitude/latitude.</summary>
    public bool IsGeographic(int code) => definitions.TryGetValue(code, out var d) && d.Geographic;

    /// <summary>
    /// A ProjNet reprojector between two loaded codes, built once and shared: ProjNet transforms hold no per-call state.
    /// It is ProjNet's answer, whether or not PostGIS agrees; <see cref="CreateReprojectorAsync"/> makes sure.
    /// </summary>
    /// <exception cref="CrsException">A code is not loaded, or ProjNet cannot read its definition.</exception>
    public GeometryReprojector CreateReprojector(int sourceEpsg, int targetEpsg) =>
        reprojectors.GetOrAdd((sourceEpsg, targetEpsg), key =>
        {
            if (key.Item1 == key.Item2) return new GeometryReprojector([], key.Item1, key.Item2, "none (already in the storage CRS)");
            try
            {
                return new GeometryReprojector(Transform(CoordinateSystem(key.Item1), CoordinateSystem(key.Item2)), key.Item1, key.Item2, "ProjNet");
            }
            catch (Exception e) when (e is NotSupportedException or NotImplementedException or ArgumentException or InvalidOperationException)
            {
                throw new CrsException($"ProjNet cannot reproject from {Name(key.Item1)} (EPSG:{key.Item1}) to EPSG:{key.Item2}: {e.Message}");
            }
        });

    /// <summary>
    /// A reprojector from one code to another that agrees with PostGIS's ST_Transform: in process (ProjNet, and
    /// <see cref="TransverseMercator"/>) when it does, within <see cref="ProjNetTolerance"/> on a grid over the source
    /// CRS's area of use, else PostGIS itself, in batches. ProjNet applies a datum shift only as the definition's
    /// TOWGS84 says, where PROJ may choose another transformation (RT90: 58 cm apart), and some of its projections are
    /// older series. Decided once per process for each pair of definitions.
    /// </summary>
    public async Task<IReprojector> CreateReprojectorAsync(int sourceEpsg, int targetEpsg, CancellationToken cancellationToken)
    {
        await RequireAsync(sourceEpsg, null, cancellationToken);
        await RequireAsync(targetEpsg, null, cancellationToken);
        if (sourceEpsg == targetEpsg) return CreateReprojector(sourceEpsg, targetEpsg);
        var key = (definitions[sourceEpsg].Text, definitions[targetEpsg].Text);
        if (!Choices.TryGetValue(key, out var choice))
        {
            choice = await ChooseAsync(sourceEpsg, targetEpsg, cancellationToken);
            Choices[key] = choice;
        }
        return choice.ProjNet
            ? CreateReprojector(sourceEpsg, targetEpsg).WithMethod(choice.Method)
            : new PostgisReprojector(dataSource, sourceEpsg, targetEpsg, choice.Method);
    }

    /// <summary>ProjNet's coordinate system for a loaded code, from spatial_ref_sys's WKT.</summary>
    /// <exception cref="CrsException">The code is not loaded, or ProjNet cannot read its definition.</exception>
    internal CoordinateSystem CoordinateSystem(int code)
    {
        if (!definitions.TryGetValue(code, out var definition)) throw new CrsException($"EPSG:{code} is not loaded; identify it first.");
        // spatial_ref_sys describes 3857 as Mercator_1SP on the WGS 84 ellipsoid, which ProjNet would take for the
        // ellipsoidal World Mercator (EPSG:3395, kilometres off in y); ProjNet's own Web Mercator is the spherical one.
        if (code == 3857) return ProjectedCoordinateSystem.WebMercator;
        try
        {
            return new CoordinateSystemFactory().CreateFromWkt(definition.Text);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new CrsException($"ProjNet cannot read the definition of {definition.Name} (EPSG:{code}): {e.Message}");
        }
    }

    /// <summary>
    /// Between systems on WGS 84, ETRS89 or SWEREF 99 (and any other whose TOWGS84 is zero), PROJ and so PostGIS apply
    /// no datum shift: longitude and latitude carry over unchanged. ProjNet would go through geocentric coordinates and
    /// back, which for the zero TOWGS84 of spatial_ref_sys moves points by millimetres (the ellipsoids differ) and costs
    /// time. So such a transform is the inverse projection, then the projection, each a <see cref="TransverseMercator"/>
    /// where it is one (ProjNet's drifts) and ProjNet's otherwise; any other pair goes through ProjNet's full datum
    /// transformation.
    /// </summary>
    private static ICoordinateStep[] Transform(CoordinateSystem source, CoordinateSystem target)
    {
        var factory = new CoordinateTransformationFactory();
        var sourceGeographic = (source as ProjectedCoordinateSystem)?.GeographicCoordinateSystem ?? source as GeographicCoordinateSystem;
        var targetGeographic = (target as ProjectedCoordinateSystem)?.GeographicCoordinateSystem ?? target as GeographicCoordinateSystem;
        if (sourceGeographic is null || targetGeographic is null || !NoDatumShift(sourceGeographic) || !NoDatumShift(targetGeographic))
            return [new ProjNetStep(factory.CreateFromCoordinateSystems(source, target).MathTransform)];

        var steps = new List<ICoordinateStep>();
        if (source is ProjectedCoordinateSystem projectedSource)
        {
            steps.Add(TransverseMercator.For(projectedSource, inverse: true)
                ?? (ICoordinateStep)new ProjNetStep(factory.CreateFromCoordinateSystems(projectedSource, sourceGeographic).MathTransform));
        }
        if (target is ProjectedCoordinateSystem projectedTarget)
        {
            steps.Add(TransverseMercator.For(projectedTarget, inverse: false)
                ?? (ICoordinateStep)new ProjNetStep(factory.CreateFromCoordinateSystems(targetGeographic, projectedTarget).MathTransform));
        }
        return [.. steps];
    }

    private static bool NoDatumShift(GeographicCoordinateSystem geographic) =>
        geographic.HorizontalDatum.Wgs84Parameters is null || geographic.HorizontalDatum.Wgs84Parameters.HasZeroValuesOnly;

    /// <summary>
    /// ProjNet or PostGIS for one pair: a 7 × 7 grid over the source CRS's area of use goes to the source CRS and on to
    /// the target with ST_Transform, and the source positions through ProjNet; the largest distance decides.
    /// </summary>
    private async Task<ReprojectionChoice> ChooseAsync(int sourceEpsg, int targetEpsg, CancellationToken cancellationToken)
    {
        GeometryReprojector projNet;
        try
        {
            projNet = CreateReprojector(sourceEpsg, targetEpsg);
        }
        catch (CrsException e)
        {
            return new ReprojectionChoice(false, $"PostGIS's ST_Transform (ProjNet cannot: {FirstSentence(e.Message)})");
        }
        if (AreaOfUse.Of(sourceEpsg) is not { } area)
            return new ReprojectionChoice(false, "PostGIS's ST_Transform (EPSG gives no area of use to check ProjNet over)");

        const int steps = 7;
        var lons = new List<double>();
        var lats = new List<double>();
        // Inset a little: PROJ refuses some points on the very edge of a projection's domain.
        var box = area.Own;
        for (var i = 0; i < steps; i++)
        {
            for (var j = 0; j < steps; j++)
            {
                lons.Add(box.West + (box.East - box.West) * (0.01 + 0.98 * i / (steps - 1)));
                lats.Add(Math.Clamp(box.South + (box.North - box.South) * (0.01 + 0.98 * j / (steps - 1)), -89, 89));
            }
        }
        var sources = new List<NetTopologySuite.Geometries.Point>();
        var expected = new List<NetTopologySuite.Geometries.Point>();
        try
        {
            await using var command = dataSource.CreateCommand(
                """
                SELECT ST_X(s), ST_Y(s), ST_X(t), ST_Y(t)
                FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS grid(lon, lat, n),
                     LATERAL ST_Transform(ST_SetSRID(ST_MakePoint(lon, lat), 4326), $3) AS s,
                     LATERAL ST_Transform(s, $4) AS t
                ORDER BY n
                """);
            command.Parameters.AddWithValue(lons.ToArray());
            command.Parameters.AddWithValue(lats.ToArray());
            command.Parameters.AddWithValue(sourceEpsg);
            command.Parameters.AddWithValue(targetEpsg);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var factory = new NetTopologySuite.Geometries.GeometryFactory();
            while (await reader.ReadAsync(cancellationToken))
            {
                sources.Add(factory.CreatePoint(new NetTopologySuite.Geometries.Coordinate(reader.GetDouble(0), reader.GetDouble(1))));
                expected.Add(factory.CreatePoint(new NetTopologySuite.Geometries.Coordinate(reader.GetDouble(2), reader.GetDouble(3))));
            }
        }
        catch (PostgresException e)
        {
            return new ReprojectionChoice(false, $"PostGIS's ST_Transform (ProjNet could not be compared with it: {e.MessageText})");
        }

        var metresPerUnit = IsGeographic(targetEpsg) ? 111_320.0 : 1.0;
        var worst = 0.0;
        for (var i = 0; i < sources.Count; i++)
        {
            var got = (NetTopologySuite.Geometries.Point)projNet.Transform(sources[i]);
            var distance = got.Distance(expected[i]) * metresPerUnit;
            worst = double.IsFinite(distance) ? Math.Max(worst, distance) : double.PositiveInfinity;
        }
        return worst <= ProjNetTolerance
            ? new ReprojectionChoice(true, $"in process (within {Length(worst)} of PostGIS's ST_Transform over the area of use of EPSG:{sourceEpsg})")
            : new ReprojectionChoice(false, $"PostGIS's ST_Transform (ProjNet is up to {Length(worst)} from it over the area of use of EPSG:{sourceEpsg})");
    }

    private async Task RequireAsync(int code, string? name, CancellationToken cancellationToken)
    {
        if (definitions.ContainsKey(code)) return;
        var found = await DefinitionsAsync(dataSource, [code], cancellationToken);
        var label = name is null ? $"EPSG:{code}" : $"\"{name}\" (EPSG:{code})";
        if (found.Count == 0)
            throw new CrsException($"{label} is not a coordinate system this database knows (PostGIS's spatial_ref_sys has no EPSG:{code}).");
        var definition = found[0];
        if (definition.Geocentric)
            throw new CrsException($"{label} is geocentric (x, y, z from the centre of the Earth), not a coordinate system of a map; give the file's map CRS.");
        definitions[code] = definition;
    }

    private static async Task<List<Definition>> DefinitionsAsync(NpgsqlDataSource dataSource, int[] codes, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT srid, coalesce(srtext, ''), coalesce(proj4text, '') FROM spatial_ref_sys WHERE auth_name = 'EPSG' AND auth_srid = srid AND srid = ANY($1)");
        command.Parameters.AddWithValue(codes);
        var found = new List<Definition>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) found.Add(Definition.Of(reader.GetInt32(0), reader.GetString(1), reader.GetString(2)));
        return found;
    }

    /// <summary>
    /// Every EPSG CRS's signature, read once per database and process (a few hundred milliseconds, for unusual .prj files
    /// only). The read is shared, so one caller's cancellation does not cancel it; the caller only stops waiting.
    /// </summary>
    private Task<Dictionary<int, CrsSignature>> AllSignaturesAsync(CancellationToken cancellationToken) =>
        AllSignatures.GetOrAdd(dataSource.ConnectionString, _ => new Lazy<Task<Dictionary<int, CrsSignature>>>(async () =>
        {
            var none = CancellationToken.None;
            var all = new Dictionary<int, CrsSignature>();
            await using var command = dataSource.CreateCommand(
                "SELECT srid, srtext FROM spatial_ref_sys WHERE auth_name = 'EPSG' AND auth_srid = srid AND (srtext LIKE 'PROJCS[%' OR srtext LIKE 'GEOGCS[%')");
            await using var reader = await command.ExecuteReaderAsync(none);
            while (await reader.ReadAsync(none))
            {
                if (WktNode.TryParse(reader.GetString(1)) is { } node && CrsSignature.From(node) is { } signature) all[reader.GetInt32(0)] = signature;
            }
            return all;
        })).Value.WaitAsync(cancellationToken);

    /// <summary>
    /// The code whose signature gives the same coordinates as the WKT's. SWEREF 99 TM and ETRS89 / UTM 33N share every
    /// parameter: the datum tells them apart. Where even that is the same, the candidates give the same coordinates, so
    /// the one whose name matches best is only the nicer label, and one EPSG has not deprecated the safer.
    /// </summary>
    private static int? BestMatch(CrsSignature signature, IReadOnlyDictionary<int, CrsSignature> candidates)
    {
        var matches = candidates.Where(e => e.Value.SameProjectionAs(signature)).ToList();
        if (matches.Count == 0) return null;
        var sameDatum = matches.Where(m => m.Value.DatumFamily == signature.DatumFamily).ToList();
        if (sameDatum.Count > 0) matches = sameDatum;
        var name = CrsSignature.Normalise(signature.Name);
        return matches
            .OrderBy(m => CrsSignature.Normalise(m.Value.Name) == name ? 0 : 1)
            .ThenBy(m => AreaOfUse.Of(m.Key)?.Deprecated == true ? 1 : 0)
            .ThenBy(m => m.Key)
            .First().Key;
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

    private static string Length(double metres) =>
        !double.IsFinite(metres) ? "nowhere near (it gives no coordinates)"
        : metres < 0.000001 ? "a micrometre"
        : metres < 0.001 ? string.Create(CultureInfo.InvariantCulture, $"{metres * 1000:0.###} mm")
        : metres < 1 ? string.Create(CultureInfo.InvariantCulture, $"{metres * 100:0.#} cm")
        : string.Create(CultureInfo.InvariantCulture, $"{metres:0.#} m");

    private static string FirstSentence(string text) => text.Split(". ", 2)[0].TrimEnd('.');

    private static string Shorten(string text)
    {
        var line = text.Trim().ReplaceLineEndings(" ");
        return line.Length <= 40 ? line : line[..40] + "...";
    }

    /// <summary>A row of spatial_ref_sys: its WKT (or PROJ string where it has no WKT), name and kind.</summary>
    private sealed record Definition(int Code, string Text, string Name, bool Geographic, bool Geocentric, CrsSignature? Signature)
    {
        public static Definition Of(int code, string srtext, string proj4text)
        {
            var node = WktNode.TryParse(srtext);
            var keyword = node?.Keyword.ToUpperInvariant() ?? "";
            return new Definition(
                code,
                srtext.Length > 0 ? srtext : proj4text,
                node?.Name ?? $"EPSG:{code}",
                keyword is "GEOGCS" or "GEOGCRS" || (node is null && proj4text.Contains("+proj=longlat", StringComparison.Ordinal)),
                keyword is "GEOCCS" || proj4text.Contains("+proj=geocent", StringComparison.Ordinal),
                node is null ? null : CrsSignature.From(node));
        }
    }

    /// <summary>How one pair of definitions is reprojected, and why, for the report.</summary>
    private sealed record ReprojectionChoice(bool ProjNet, string Method);
}

/// <summary>A coordinate system that is unknown or cannot be identified; the message says which.</summary>
internal sealed class CrsException(string message) : Exception(message);
