namespace DigitalTwin.Importers;

internal static class Cli
{
    public static int Main() => 0;
}
