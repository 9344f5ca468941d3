namespace DigitalTwin.Importers.Sync;

/// <summary>What one run of a sync did (a row of layer_sync_runs).</summary>
/// <param name="Layer">The layer synced.</param>
/// <param name="StartedAt">When the run began.</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="Result">loaded, unchanged, rejected or failed.</param>
/// <param name="Version">The version serving after the run: the new one when loaded, the old one otherwise (null if none).</param>
/// <param name="FeaturesRead">Features read from the service (null when it could not be read).</param>
/// <param name="Loaded">Features loaded into a new version (0 unless loaded).</param>
/// <param name="Errors">Features that failed the checks.</param>
/// <param name="Error">Why it was rejected or failed: the first problems, or the error.</param>
internal sealed record SyncRun(
    string Layer, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string Result, int? Version, long? FeaturesRead, long? Loaded, int? Errors, string? Error);
