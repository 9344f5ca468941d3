using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace DigitalTwin.Cli.Commands;

/// <summary><c>layers</c>: what is loaded, which version serves, when and from where it came.</summary>
internal static class LayersCommand
{
    public static Command Create()
    {
        var command = new Command("layers", "List the loaded layers and their serving versions.");
        command.SetAction((parse, cancellationToken) => CliDatabase.RunAsync(async ct =>
        {
            await using var dataSource = await CliDatabase.OpenAsync(ct);
            await using var query = dataSource.CreateCommand(
                """
                SELECT l.name, l.kind, v.version, v.feature_count, v.source_crs, v.source_format, v.loaded_at, v.loaded_by, v.source_file,
                       (SELECT count(*) FROM layer_versions o WHERE o.layer = l.name)
                FROM layers l LEFT JOIN layer_versions v ON v.id = l.current_version
                ORDER BY l.name
                """);
            await using var reader = await query.ExecuteReaderAsync(ct);
            var table = new Table().Border(TableBorder.Rounded);
            table.AddColumns("layer", "kind", "version", "objects", "CRS", "format", "loaded", "by", "source file", "kept");
            var rows = 0;
            while (await reader.ReadAsync(ct))
            {
                rows++;
                string Cell(int i) => reader.IsDBNull(i) ? "-" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)!;
                table.AddRow(
                    Markup.Escape(Cell(0)), Cell(1), Cell(2), Cell(3), Cell(4), Cell(5),
                    reader.IsDBNull(6) ? "-" : reader.GetFieldValue<DateTimeOffset>(6).ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                    Markup.Escape(Cell(7)), Markup.Escape(Path.GetFileName(Cell(8))), Cell(9));
            }
            if (rows == 0) AnsiConsole.MarkupLine("No layers are loaded. ./twin import FILE --layer NAME --kind KIND loads one.");
            else AnsiConsole.Write(table);
            return 0;
        }, cancellationToken));
        return command;
    }
}
