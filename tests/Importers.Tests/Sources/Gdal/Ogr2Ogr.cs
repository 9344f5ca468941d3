using System.Diagnostics;

namespace DigitalTwin.Importers.Tests.Sources.Gdal;

/// <summary>Runs GDAL's ogr2ogr in a test, to write a fixture in a format at test time.</summary>
internal static class Ogr2Ogr
{
    public static void Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("ogr2ogr") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ogr2ogr {string.Join(' ', arguments)}: {errors.Result}");
    }
}
