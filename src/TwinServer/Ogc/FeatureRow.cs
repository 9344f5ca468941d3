using DigitalTwin.Data.Database;
using Npgsql;

namespace DigitalTwin.Server.Ogc;

/// <summary>One map object as features.sql reads it: its ids, the domain's fields, the source attributes (JSON text) and the geometry (GeoJSON text).</summary>
internal sealed record FeatureRow(
    string SourceId, string ObjectId, string Kind, string? Type, string? Name, string? Address, string? Owner, string? Manager,
    string? Contractor, string? Commissioner, string? Subcontractor, string? TaskTypes, DateOnly? ValidFrom, DateOnly? ValidTo,
    string Attributes, string? Geometry)
{
    public static FeatureRow Read(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetStringOrNull(3), r.GetStringOrNull(4), r.GetStringOrNull(5), r.GetStringOrNull(6), r.GetStringOrNull(7),
        r.GetStringOrNull(8), r.GetStringOrNull(9), r.GetStringOrNull(10), r.GetStringOrNull(11),
        r.IsDBNull(12) ? null : r.GetFieldValue<DateOnly>(12), r.IsDBNull(13) ? null : r.GetFieldValue<DateOnly>(13),
        r.GetString(14), r.GetStringOrNull(15));
}
