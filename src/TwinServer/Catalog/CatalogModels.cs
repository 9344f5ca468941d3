namespace DigitalTwin.Server.Catalog;

/// <summary>The three languages of the product: Finnish, Swedish, English.</summary>
public enum Language { Fi, Sv, En }

/// <summary>A name in fi/sv/en; a missing translation falls back by the one rule (<see cref="Languages.Pick"/>).</summary>
public sealed record LocalizedName(string? Fi, string? Sv, string? En)
{
    public string? In(Language language) => Languages.Pick(language switch
    {
        Language.Fi => Languages.Finnish,
        Language.Sv => Languages.Swedish,
        _ => Languages.English,
    }, Fi, Sv, En);
}

/// <summary>A loaded version of a layer: where it came from, when, by whom, and while it served.</summary>
public sealed record LayerVersion(
    int Version, string SourceFile, string SourceFormat, string SourceCrs, string Checksum,
    int FeatureCount, int SkippedCount, int RepairedCount, string LoadedBy, DateTimeOffset LoadedAt,
    DateTimeOffset ServedFrom, DateTimeOffset? ServedUntil, bool IsCurrent)
{
    /// <summary>Its id in layer_versions (unique over all layers; the key of its tiles and of its partition).</summary>
    public int Id { get; init; }

    /// <summary>How it was made: replace, append, update or rollback.</summary>
    public string Mode { get; init; } = "replace";

    /// <summary>An append or update: the version it was built on; a rollback: the version it copies.</summary>
    public int? BasedOn { get; init; }

    /// <summary>The --where and --select it was read with; null for the whole file.</summary>
    public string? Filter { get; init; }
}

/// <summary>A named set of map objects of one kind, with its versions (newest first).</summary>
public sealed record Layer(string Name, string Kind, DateTimeOffset CreatedAt, IReadOnlyList<LayerVersion> Versions)
{
    public LayerVersion? Current => Versions.FirstOrDefault(v => v.IsCurrent);
}

/// <summary>How cases reach an organisation.</summary>
public enum ChannelKind { None, Webhook, Open311, Email }

public sealed record Organisation(
    string Key, string Kind, LocalizedName Name, string? WebhookUrl, string? Open311Endpoint, string? Email)
{
    /// <summary>The channel cases are forwarded through: the first present of webhook, Open311, e-mail.</summary>
    public ChannelKind Channel =>
        WebhookUrl is not null ? ChannelKind.Webhook
        : Open311Endpoint is not null ? ChannelKind.Open311
        : Email is not null ? ChannelKind.Email
        : ChannelKind.None;
}

public sealed record TaskType(string Code, LocalizedName Name);
