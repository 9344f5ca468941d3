namespace DigitalTwin.Importers.Pipeline;

/// <summary>
/// How a file becomes the layer's next version. Every mode makes a new version, switched atomically, and keeps the
/// previous one for past dates.
/// </summary>
internal enum ImportMode
{
    /// <summary>The file is the whole layer.</summary>
    Replace,

    /// <summary>The serving version's objects plus the file's features; an id the layer already has is an error.</summary>
    Append,

    /// <summary>The serving version's objects with the file's features put in by id: changed where the id is there, added where not.</summary>
    Update,

    /// <summary>
    /// A copy of an earlier version of the layer (the layers page's roll back): made inside the database, switched in
    /// like any import, so that the versions in between keep answering for the dates they served.
    /// </summary>
    Rollback,
}
