using System.Text.Json;
using DigitalTwin.Importers.Pipeline;
using Npgsql;
using Spectre.Console;

namespace DigitalTwin.Bench.Harness;

/// <summary>
/// The bench city: a grid of parcels (1,000,000 by default) near 24.5°E 60°N, a building on every other parcel, and a
/// contract area per 10 × 10 parcels, loaded through the importer as GIS staff would load them (layers
/// bench-lookup-*). Made once; later runs of every bench reuse it.
/// </summary>
internal static class BenchCity
{
    /// <summary>A parcel's width and height, in degrees: a parcel i is at column i mod side, row i div side.</summary>
    public const double Step = 0.0003, RowStep = 0.00015;

    /// <summary>The bench layers (bench-lookup-*), generated and loaded once; later runs (and bench tiles) reuse them.</summary>
    public static async Task EnsureAsync(NpgsqlDataSource dataSource, int parcels, CancellationToken cancellationToken)
    {
        await using (var count = dataSource.CreateCommand("SELECT count(*) FROM layers WHERE name IN ('bench-lookup-parcels', 'bench-lookup-buildings', 'bench-lookup-contracts')"))
        {
            if ((long)(await count.ExecuteScalarAsync(cancellationToken))! == 3)
            {
                AnsiConsole.MarkupLine("The bench layers are loaded already (./twin drop-layer bench-lookup-parcels ... to regenerate).");
                return;
            }
        }
        await using (var seed = dataSource.CreateCommand(
            """
            INSERT INTO task_types (code, name_en) VALUES ('graffiti', 'Graffiti removal'), ('damage', 'Damage') ON CONFLICT DO NOTHING;
            INSERT INTO organisations (key, kind, name_en) VALUES ('bench-city', 'administration', 'Bench city'), ('bench-housing', 'company', 'Bench housing')
            ON CONFLICT DO NOTHING;
            INSERT INTO organisations (key, kind, name_en)
            SELECT 'bench-contractor-' || n, 'contractor', 'Bench contractor ' || n FROM generate_series(1, 20) n ON CONFLICT DO NOTHING;
            """))
        {
            await seed.ExecuteNonQueryAsync(cancellationToken);
        }
        var folder = Directory.CreateTempSubdirectory("twin-bench-lookup").FullName;
        try
        {
            var side = (int)Math.Ceiling(Math.Sqrt(parcels));
            var files = new (string Name, LayerKind Kind, Action<Utf8JsonWriter> Features)[]
            {
                ("bench-lookup-parcels", LayerKind.Parcel, w =>
                {
                    for (var i = 0; i < parcels; i++)
                        Feature(w, $"P{i}", [("owner", "bench-city")], Square(i, side, 0, 0.94));
                }),
                ("bench-lookup-buildings", LayerKind.Building, w =>
                {
                    for (var i = 0; i < parcels; i += 2)
                        Feature(w, $"B{i}", [("owner", "bench-housing"), ("name", $"Talo {i}")], Square(i, side, 0.2, 0.6));
                }),
                ("bench-lookup-contracts", LayerKind.Contract, w =>
                {
                    for (var by = 0; by < (side + 9) / 10; by++)
                    for (var bx = 0; bx < (side + 9) / 10; bx++)
                    {
                        double x0 = 24.5 + bx * 10 * Step, y0 = 60.0 + by * 10 * RowStep;
                        Feature(w, $"C{bx}_{by}",
                            [("contractor", $"bench-contractor-{(bx + by) % 20 + 1}"), ("commissioner", "bench-housing"), ("task_types", "graffiti;damage"),
                             ("valid_from", "2020-01-01"), ("valid_to", "2035-12-31")],
                            [(x0, y0), (x0 + 10 * Step, y0), (x0 + 10 * Step, y0 + 10 * RowStep), (x0, y0 + 10 * RowStep), (x0, y0)]);
                    }
                }),
            };
            foreach (var (name, kind, features) in files)
            {
                var path = Path.Combine(folder, name + ".geojson");
                AnsiConsole.MarkupLineInterpolated($"Generating and loading {name}");
                using (var stream = File.Create(path))
                using (var json = new Utf8JsonWriter(stream))
                {
                    json.WriteStartObject();
                    json.WriteString("type", "FeatureCollection");
                    json.WriteStartArray("features");
                    features(json);
                    json.WriteEndArray();
                    json.WriteEndObject();
                }
                var result = await new LayerImporter(dataSource).ImportAsync(new ImportOptions(path, name, kind) { LoadedBy = "bench" }, null, cancellationToken);
                if (!result.Committed) throw new BenchException($"{name}: the generated layer was rejected: {string.Join("; ", result.Report.FirstProblems)}");
                AnsiConsole.MarkupLineInterpolated($"  {result.Report.Loaded:N0} objects in {result.Elapsed.TotalSeconds:F1} s");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static (double, double)[] Square(int i, int side, double inset, double size)
    {
        double x0 = 24.5 + (i % side + inset) * Step, y0 = 60.0 + (i / side + inset) * RowStep;
        double x1 = x0 + size * Step, y1 = y0 + size * RowStep;
        return [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)];
    }

    private static void Feature(Utf8JsonWriter json, string id, (string Key, string Value)[] properties, (double X, double Y)[] ring)
    {
        json.WriteStartObject();
        json.WriteString("type", "Feature");
        json.WriteStartObject("properties");
        json.WriteString("id", id);
        foreach (var (key, value) in properties) json.WriteString(key, value);
        json.WriteEndObject();
        json.WriteStartObject("geometry");
        json.WriteString("type", "Polygon");
        json.WriteStartArray("coordinates");
        json.WriteStartArray();
        foreach (var (x, y) in ring)
        {
            json.WriteStartArray();
            json.WriteNumberValue(Math.Round(x, 8));
            json.WriteNumberValue(Math.Round(y, 8));
            json.WriteEndArray();
        }
        json.WriteEndArray();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
        if (json.BytesPending > 1 << 16) json.Flush();
    }

}
