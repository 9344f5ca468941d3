using NetTopologySuite.Geometries;
using Npgsql;
using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;

namespace DigitalTwin.Importers.Reprojection;

/// <summary>
/// What CRS coordinates look like when they fall outside the area of the CRS they were read in: the same CRS with x
/// and y swapped, longitude and latitude in degrees, or another CRS in whose own area they all fall (a neighbouring
/// zone first). It answers a refused import's question "then what is it?" well enough to try next, not for certain:
/// zones of one series with one false easting (the SWEREF 99 local zones) give the same numbers a place in each.
/// </summary>
internal static class CrsGuess
{
    private const int MostCandidates = 400;
    private const int MostNamed = 4;

    /// <summary>The likely CRSs of <paramref name="check"/>'s refused samples, best first, as the report names them.</summary>
    /// <param name="dataSource">Where spatial_ref_sys gives the candidates' definitions.</param>
    /// <param name="check">The check that refused features, with their positions.</param>
    /// <param name="fileCrs">The CRS the file itself declares, when --crs overrode it: tried first.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public static async Task<IReadOnlyList<string>> GuessAsync(NpgsqlDataSource dataSource, AreaCheck check, int? fileCrs, CancellationToken cancellationToken)
    {
        var samples = check.Samples;
        var guesses = new List<string>();
        if (samples.Count == 0) return guesses;
        var declared = check.Area;
        bool AllInside(GeographicBox box, Func<Coordinate, (double Longitude, double Latitude)?> toDegrees) =>
            samples.All(s => toDegrees(s) is { } d && box.Contains(d.Longitude, d.Latitude, AreaCheck.Margin));

        if (!check.IsGeographic && AllInside(declared.Own, s => check.ToDegrees(s.Y, s.X)))
            guesses.Add($"{check.Label} with x and y swapped (northing first)");
        var fitDegrees = samples.All(s => Math.Abs(s.X) <= 180 && Math.Abs(s.Y) <= 90);
        if (fitDegrees && !check.IsGeographic && AllInside(declared.Series, s => (s.X, s.Y)))
            guesses.Add("longitude and latitude in degrees (EPSG:4326, or ETRS89 EPSG:4258)");
        if (fitDegrees && AllInside(declared.Series, s => (s.Y, s.X)))
            guesses.Add("latitude and longitude in degrees, latitude first (EPSG:4326 as x = latitude)");

        // The file's own CRS where --crs overrode it, neighbouring zones (the CRS's own series), the systems GIS staff here
        // use most, then the CRSs used where the file's CRS is, most local first; never a deprecated one.
        var worldwide = declared.Own.Size >= 180 * 90;
        var candidates = AreaOfUse.All
            .Where(a => !a.Deprecated && a.Code != check.Epsg)
            .Select(a => (Area: a, Rank: a.Code == fileCrs ? 0 : a.Series == declared.Series && a.Series != a.Own ? 1 : CrsCatalog.CommonCodes.Contains(a.Code) ? 2 : 3))
            .Where(c => c.Rank < 3 || (!worldwide && c.Area.Own.Intersects(declared.Own)))
            .OrderBy(c => c.Rank).ThenBy(c => c.Area.Own.Size).ThenBy(c => c.Area.Code)
            .Take(MostCandidates)
            .ToList();
        var wkts = await WktAsync(dataSource, candidates.Select(c => c.Area.Code).ToArray(), cancellationToken);

        var matches = new List<string>();
        foreach (var (area, _) in candidates)
        {
            if (!wkts.TryGetValue(area.Code, out var wkt) || ToDegrees(wkt) is not { } candidate) continue;
            if (AllInside(area.Own, s => candidate.Transform(s))) matches.Add($"{candidate.Name} (EPSG:{area.Code})");
        }
        if (matches.Count > 0)
        {
            var named = string.Join(", ", matches.Take(MostNamed));
            guesses.Add(matches.Count > MostNamed ? $"{named} or {matches.Count - MostNamed} more" : named);
        }
        return guesses;
    }

    /// <summary>The note for a refused import: which features lie outside, where, and what they look like.</summary>
    public static string Note(AreaCheck check, IReadOnlyList<string> guesses) =>
        $"{check.Outside.Describe("Feature", "features")} {(check.Outside.Count == 1 ? "lies" : "lie")} outside where {check.Label} is used ({check.Area.Name}: {check.Area.Series}). "
        + (guesses.Count == 0
            ? $"{(check.Outside.Count == 1 ? "Its" : "Their")} coordinates fit none of the CRSs tried; check which CRS the file is in and give it with --crs."
            : $"{(check.Outside.Count == 1 ? "Its" : "Their")} coordinates look like {string.Join("; or ", guesses)}: give the right CRS with --crs.");

    private static async Task<Dictionary<int, string>> WktAsync(NpgsqlDataSource dataSource, int[] codes, CancellationToken cancellationToken)
    {
        var wkts = new Dictionary<int, string>();
        await using var command = dataSource.CreateCommand(
            "SELECT srid, srtext FROM spatial_ref_sys WHERE auth_name = 'EPSG' AND auth_srid = srid AND srid = ANY($1) AND srtext LIKE 'PROJCS[%'");
        command.Parameters.AddWithValue(codes);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) wkts[reader.GetInt32(0)] = reader.GetString(1);
        return wkts;
    }

    /// <summary>A projected CRS's way to degrees on its own datum; null where ProjNet cannot read or project it.</summary>
    private static Candidate? ToDegrees(string wkt)
    {
        try
        {
            if (new CoordinateSystemFactory().CreateFromWkt(wkt) is not ProjectedCoordinateSystem projected) return null;
            var inverse = new CoordinateTransformationFactory().CreateFromCoordinateSystems(projected, projected.GeographicCoordinateSystem).MathTransform;
            return new Candidate(projected.Name, inverse);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null;
        }
    }

    private sealed record Candidate(string Name, MathTransform Inverse)
    {
        public (double Longitude, double Latitude)? Transform(Coordinate point)
        {
            try
            {
                double[] x = [point.X], y = [point.Y];
                Inverse.Transform(x, y, 1, 1);
                return AreaCheck.Plausible(x[0], y[0]) ? (x[0], y[0]) : null;
            }
            catch (Exception e) when (e is ArithmeticException or ArgumentException)
            {
                return null;
            }
        }
    }
}
