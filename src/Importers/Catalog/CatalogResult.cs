using DigitalTwin.Importers.Pipeline;

namespace DigitalTwin.Importers.Catalog;

/// <summary>What a catalog import found and what it stores (or, in a dry run, would store): one row per line of the file, by catalog column.</summary>
internal sealed record CatalogResult(ImportReport Report, IReadOnlyList<IReadOnlyDictionary<string, string?>> Rows);
