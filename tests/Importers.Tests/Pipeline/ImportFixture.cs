using System.Globalization;
using System.Text;
using DigitalTwin.Importers.Pipeline;
using DigitalTwin.Testing;

namespace DigitalTwin.Importers.Tests.Pipeline;

/// <summary>A fresh database with a few organisations and task types, and helpers to write small GeoJSON files.</summary>
public sealed class ImportFixture : DatabaseFixture
{
    private readonly string folder = Directory.CreateTempSubdirectory("twin-import-tests").FullName;

    public async Task SeedCatalogAsync()
    {
        await Database.ScalarAsync<int>(
            """
            INSERT INTO organisations (key, kind, name_sv) VALUES
              ('trafikkontoret', 'administration', 'Trafikkontoret'),
              ('exploateringskontoret', 'administration', 'Exploateringskontoret'),
              ('broservice', 'contractor', 'Broservice AB'),
              ('klotterfritt', 'contractor', 'Klotterfritt AB')
            ON CONFLICT DO NOTHING;
            INSERT INTO task_types (code, name_en) VALUES ('graffiti', 'Graffiti removal'), ('litter', 'Litter'), ('damage', 'Damage')
            ON CONFLICT DO NOTHING;
            """);
    }

    internal LayerImporter Importer => new(Database.DataSource);

    internal Task<ImportResult> ImportAsync(ImportOptions options) => Importer.ImportAsync(options, null, CancellationToken.None);

    /// <summary>Writes a GeoJSON FeatureCollection of the given features (each a JSON object text) and returns its path.</summary>
    public string WriteGeoJson(string name, IEnumerable<string> features, string? crs = null)
    {
        var path = Path.Combine(folder, name);
        var text = new StringBuilder("{\"type\":\"FeatureCollection\",");
        if (crs is not null) text.Append(CultureInfo.InvariantCulture, $"\"crs\":{{\"type\":\"name\",\"properties\":{{\"name\":\"{crs}\"}}}},");
        text.Append("\"features\":[").AppendJoin(",\n", features).Append("]}");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    public string FilePath(string name) => Path.Combine(folder, name);

    /// <summary>A square parcel feature around (x, y) with the given half size and properties (JSON members).</summary>
    public static string Square(double x, double y, double half, string properties) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{{\"type\":\"Feature\",\"properties\":{{{properties}}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[[{x - half},{y - half}],[{x + half},{y - half}],[{x + half},{y + half}],[{x - half},{y + half}],[{x - half},{y - half}]]]}}}}");

    public static string PointFeature(double x, double y, string properties) =>
        string.Create(CultureInfo.InvariantCulture, $"{{\"type\":\"Feature\",\"properties\":{{{properties}}},\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{x},{y}]}}}}");

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }
}
