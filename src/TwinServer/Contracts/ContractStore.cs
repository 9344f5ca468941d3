using DigitalTwin.Data.Database;
using DigitalTwin.Server.Catalog;
using DigitalTwin.Server.Database;
using DigitalTwin.Server.Errors;
using DigitalTwin.Server.Responsibility;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace DigitalTwin.Server.Contracts;

/// <summary>What to list: every member optional.</summary>
public sealed record ContractFilter(string? Contractor, string? Commissioner, string? TaskType, DateOnly? ActiveOn, string? Within, int WithinSrid);

/// <summary>Two contracts of one commissioner that overlap for a task type on a date: a conflict to fix.</summary>
public sealed record ContractOverlap(ContractMatch A, ContractMatch B, IReadOnlyList<string>? TaskTypes, string GeoJson, double Area);

/// <summary>Where a manager's assets or areas have no contract for a task type on a date.</summary>
public sealed record CoverageGap(string Manager, IReadOnlyList<string> ObjectIds, string GeoJson, double Area);

/// <summary>Contracts for GIS staff and other systems: lists, subcontracts, overlaps (conflicts) and coverage gaps.</summary>
public sealed class ContractStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>The most contracts one list returns.</summary>
    public const int MaxListed = 1000;

    public async Task<IReadOnlyList<ContractMatch>> ListAsync(ContractFilter filter, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var versions = (await ServedVersions.ResolveAsync(connection, filter.ActiveOn ?? Today, time, cancellationToken)).Ids;
        var within = await AreaAsync(connection, filter.Within, filter.WithinSrid, cancellationToken);
        return await ListAsync(connection, versions, filter, within, null, MaxListed, cancellationToken);
    }

    private static async Task<IReadOnlyList<ContractMatch>> ListAsync(NpgsqlConnection connection, int[] versions, ContractFilter filter,
        Geometry? within, string[]? ids, int limit, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(SqlResources.Get("Contracts/contracts.sql"), connection);
        command.Parameters.AddWithValue(versions);
        command.Parameters.Add(Text(filter.Contractor));
        command.Parameters.Add(Text(filter.Commissioner));
        command.Parameters.Add(Text(filter.TaskType));
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.ActiveOn ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Date });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)within ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Geometry });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)ids ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.AddWithValue(limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var contracts = new List<ContractMatch>();
        while (await reader.ReadAsync(cancellationToken))
        {
            contracts.Add(ContractMatch.Read(reader, null, null) with
            {
                Covers = reader.IsDBNull(8) ? null : reader.GetFieldValue<string[]>(8),
                GeoJson = reader.GetString(9) is "null" ? null : reader.GetString(9),
                Area = reader.GetDouble(10),
                Versions = versions,
            });
        }
        return contracts;
    }

    /// <summary>The response times of contracts or subcontracts (by their stable ids) as they serve now; the rest ("*") last.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<Reports.ResponseTime>>> ResponseTimesAsync(IReadOnlyCollection<string> ids,
        CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SqlResources.Get("Contracts/response_times.sql"));
        command.Parameters.AddWithValue(ids.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        // Every id asked for has a list, empty when it has no response times (or is not serving).
        var times = ids.Distinct(StringComparer.Ordinal).ToDictionary(id => id, IReadOnlyList<Reports.ResponseTime> (_) => new List<Reports.ResponseTime>(), StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetString(0);
            ((List<Reports.ResponseTime>)times[id]).Add(new Reports.ResponseTime(reader.GetString(1) is "*" ? null : reader.GetString(1), Math.Round(reader.GetDouble(2), 3)));
        }
        return times;
    }

    public async Task<IReadOnlyList<SubcontractMatch>> SubcontractsAsync(ContractMatch contract, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var versions = contract.Versions ?? (await ServedVersions.ResolveAsync(connection, Today, time, cancellationToken)).Ids;
        await using var command = new NpgsqlCommand(SqlResources.Get("Contracts/subcontracts_of.sql"), connection);
        command.Parameters.AddWithValue(versions);
        command.Parameters.AddWithValue(contract.Id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var subcontracts = new List<SubcontractMatch>();
        while (await reader.ReadAsync(cancellationToken))
        {
            subcontracts.Add(new SubcontractMatch(reader.GetString(0), reader.GetString(1), reader.GetStringOrNull(2), reader.GetStringOrNull(3)));
        }
        return subcontracts;
    }

    public async Task<IReadOnlyList<ContractOverlap>> OverlapsAsync(string? taskType, DateOnly? on, string? within, int withinSrid, CancellationToken cancellationToken)
    {
        var date = on ?? Today;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (taskType is not null) await ResponsibilityResolver.CheckTaskTypeAsync(connection, taskType, cancellationToken);
        var versions = (await ServedVersions.ResolveAsync(connection, date, time, cancellationToken)).Ids;
        var area = await AreaAsync(connection, within, withinSrid, cancellationToken);
        await using var command = new NpgsqlCommand(SqlResources.Get("Contracts/overlaps.sql"), connection);
        command.Parameters.AddWithValue(versions);
        command.Parameters.Add(Text(taskType));
        command.Parameters.AddWithValue(date);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)area ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Geometry });
        var pairs = new List<(string A, string B, string[]? TaskTypes, string GeoJson, double Area)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                pairs.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<string[]>(2), reader.GetString(3), reader.GetDouble(4)));
            }
        }
        // Then the contracts the overlaps name, and only those, from the same versions.
        var ids = pairs.SelectMany(p => new[] { p.A, p.B }).Distinct().ToArray();
        var contracts = (await ListAsync(connection, versions, new ContractFilter(null, null, null, null, null, 4326), null, ids, ids.Length, cancellationToken))
            .ToDictionary(c => c.Id);
        var overlaps = pairs.Select(p => new ContractOverlap(contracts[p.A], contracts[p.B], p.TaskTypes, p.GeoJson, p.Area)).ToList();
        return overlaps;
    }

    public async Task<IReadOnlyList<CoverageGap>> GapsAsync(string taskType, DateOnly? on, string? within, int withinSrid, CancellationToken cancellationToken)
    {
        var date = on ?? Today;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ResponsibilityResolver.CheckTaskTypeAsync(connection, taskType, cancellationToken);
        var versions = (await ServedVersions.ResolveAsync(connection, date, time, cancellationToken)).Ids;
        await using var command = new NpgsqlCommand(SqlResources.Get("Contracts/gaps.sql"), connection);
        command.Parameters.AddWithValue(versions);
        command.Parameters.AddWithValue(taskType);
        command.Parameters.AddWithValue(date);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)await AreaAsync(connection, within, withinSrid, cancellationToken) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Geometry });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var gaps = new List<CoverageGap>();
        while (await reader.ReadAsync(cancellationToken))
        {
            gaps.Add(new CoverageGap(reader.GetString(0), reader.GetFieldValue<string[]>(1), reader.GetString(2), reader.GetDouble(3)));
        }
        return gaps;
    }

    /// <summary>A GeoJSON geometry in some CRS, in the storage CRS; a clear error when PostGIS cannot read it.</summary>
    internal static async Task<Geometry?> AreaAsync(NpgsqlConnection connection, string? geoJson, int srid, CancellationToken cancellationToken)
    {
        if (geoJson is null) return null;
        if (geoJson.Length > MapObjects.MapObjectSearch.MaxGeoJsonLength)
            throw new TwinException(ErrorCodes.GeoJsonTooLarge, $"The GeoJSON is {geoJson.Length:N0} characters; the limit is {MapObjects.MapObjectSearch.MaxGeoJsonLength:N0}.");
        await using var command = new NpgsqlCommand("SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON($1), $2), twin_storage_srid())", connection);
        command.Parameters.AddWithValue(geoJson);
        command.Parameters.AddWithValue(srid);
        try
        {
            return (Geometry)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        catch (PostgresException e) when (e.SqlState is "XX000" or "22023" or "22P02")
        {
            throw new TwinException(ErrorCodes.BadGeoJson, $"within is not a GeoJSON geometry PostGIS can read: {e.MessageText}");
        }
    }

    private DateOnly Today => DateOnly.FromDateTime(time.GetLocalNow().Date);

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };
}

/// <summary>The response times of the contracts and subcontracts of one GraphQL request, read in batches.</summary>
public sealed class ResponseTimeLoader(ContractStore store) : Catalog.BatchLoader<IReadOnlyList<Reports.ResponseTime>>
{
    protected override Task<IReadOnlyDictionary<string, IReadOnlyList<Reports.ResponseTime>>> FetchAsync(IReadOnlyCollection<string> keys,
        CancellationToken cancellationToken) => store.ResponseTimesAsync(keys, cancellationToken);
}
