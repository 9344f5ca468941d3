namespace DigitalTwin.Importers.Sources.Gdal;

/// <summary>One field of a GDAL layer as <c>ogrinfo</c> describes it: its name and OGR type (String, Integer, Real, Date, ...).</summary>
internal sealed record OgrField(string Name, string Type);
