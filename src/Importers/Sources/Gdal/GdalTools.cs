using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace DigitalTwin.Importers.Sources.Gdal;

/// <summary>
/// Runs GDAL's command-line programs (Debian's <c>gdal-bin</c>): there are no GDAL bindings for .NET among the packages
/// this project can use, and the programs are what GIS staff run themselves, so their behaviour is the one they know.
/// Arguments go as a list, never through a shell.
/// </summary>
internal static class GdalTools
{
    /// <summary>What to do when a program is missing.</summary>
    public const string Install = "install gdal-bin (apt-get install gdal-bin; ./twin up and ./twin test install it)";

    /// <summary>How many features GDAL asks a service for at a time (WFS and OGC API Features); tests make it small to see paging.</summary>
    internal static int PageSize { get; set; } = 1000;

    /// <summary>Settings every run gets: GDAL's WFS reader pages through a service instead of asking for everything at once.</summary>
    private static (string Key, string Value)[] Config =>
    [
        ("OGR_WFS_PAGING_ALLOWED", "ON"),
        ("OGR_WFS_PAGE_SIZE", PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("CPL_DEBUG", "OFF"),
    ];

    /// <summary>Starts a program with its output redirected (standard output as bytes; standard error as UTF-8 text).</summary>
    /// <exception cref="SourceFormatException">The program is not installed.</exception>
    public static Process Start(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var (key, value) in Config)
        {
            start.ArgumentList.Add("--config");
            start.ArgumentList.Add(key);
            start.ArgumentList.Add(value);
        }
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        try
        {
            return Process.Start(start) ?? throw new SourceFormatException($"{program} did not start; {Install}.");
        }
        catch (Win32Exception e)
        {
            throw new SourceFormatException($"{program} is not installed here, and the formats beyond GeoJSON, Shapefile, GeoPackage and CSV are read through GDAL: {Install}.", e);
        }
    }

    /// <summary>Runs a program to its end and returns its exit code, standard output and standard error as UTF-8 text.</summary>
    public static (int ExitCode, string Output, string Errors) Run(string program, IEnumerable<string> arguments)
    {
        using var process = Start(program, arguments);
        var errors = process.StandardError.ReadToEndAsync();
        using var output = new StreamReader(process.StandardOutput.BaseStream, Encoding.UTF8);
        var text = output.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, text, errors.GetAwaiter().GetResult());
    }

    /// <summary>GDAL's own messages from standard error, without the noise: each ERROR and Warning line, once.</summary>
    public static IEnumerable<string> Messages(string errors) =>
        errors.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.StartsWith("ERROR", StringComparison.Ordinal) || l.StartsWith("Warning", StringComparison.Ordinal) || l.StartsWith("FAILURE", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal);
}
