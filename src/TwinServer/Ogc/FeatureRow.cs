using Npgsql;

namespace DigitalTwin.Server.Ogc;

/// <summary>One map object as features.sql reads it: its ids, the domain's fields, the source attributes (JSON text) and the geometry (GeoJSON text).</summary>
internal sealed record FeatureRow(
    string SourceId, string ObjectId, string Kind, string? Type, string? Name, string? Address, string? Owner, string? Manager,
    string? Contractor, string? Commissioner, string? Subcontractor, string? TaskTypes, DateOnly? ValidFrom, DateOnly? ValidTo,
    string Attributes, string? Geometry)
{
    public static FeatureRow Read(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), Text(r, 3), Text(r, 4), Text(r, 5), Text(r, 6), Text(r, 7),
        Text(r, 8), Text(r, 9), Text(r, 10), Text(r, 11),
        r.IsDBNull(12) ? null : r.GetFieldValue<DateOnly>(12), r.IsDBNull(13) ? null : r.GetFieldValue<DateOnly>(13),
        r.GetString(14), Text(r, 15));

    private static string? Text(NpgsqlDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetString(ordinal);
}
