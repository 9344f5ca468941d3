using System.Collections.Concurrent;
using System.Collections.Frozen;
using DigitalTwin.Data.Database;
using DigitalTwin.Server.Catalog;
using DigitalTwin.Server.Database;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using Npgsql;

namespace DigitalTwin.Server.Responsibility;

/// <summary>
/// The contract and subcontract layers and the organisations, kept in memory by each node for the lookup, so that a
/// lookup asks the database for its stack only (lookup.sql). A layer version never changes once loaded and its id is
/// never used again, so a version is read once, when a lookup first needs it, and kept while lookups use it (the
/// <see cref="KeptVersions"/> used last). The organisations do change: every lookup reads their change count
/// (migration 0033) with its stack, and they are read again when it is not the count they were read at. Both are read
/// from the lookup's own pool, the server its stack came from. The contracts found are those bench/TwinBench/
/// lookup_whole.sql finds in SQL (held to it by ContractCatalogTests).
/// </summary>
public sealed class ContractCatalog([FromKeyedServices(DatabaseExtensions.GenericPlans)] NpgsqlDataSource dataSource, ILogger<ContractCatalog> logger)
{
    /// <summary>Contract layer versions kept at most (those of the last moments asked about: a city has a few).</summary>
    internal const int KeptVersions = 64;

    private readonly ConcurrentDictionary<int, Kept> versions = new();
    private readonly Lock gate = new();
    private volatile OrganisationBook? organisations;
    private long uses;
    private Task<OrganisationBook>? reading;

    /// <summary>The layer versions in memory (for tests).</summary>
    internal IReadOnlyCollection<int> Versions => [.. versions.Keys];

    /// <summary>
    /// The contracts for the task commissioned by any organisation of the stack (or the asked object), each with the
    /// stack's ids it lists and whether its area covers the point, their subcontracts valid on the date, and those
    /// organisations: what the resolver chooses from (product contract 3.5–3.7).
    /// </summary>
    internal async Task<(List<ContractRow> Contracts, IReadOnlyDictionary<string, Organisation> Organisations)> FindAsync(
        int[] contractVersions, long organisationChanges, Point point, string taskType, DateOnly on,
        IReadOnlyList<StackObject> stack, StackObject? asked, CancellationToken cancellationToken)
    {
        var layers = new ContractVersion[contractVersions.Length];
        for (var i = 0; i < layers.Length; i++) layers[i] = await VersionAsync(contractVersions[i], cancellationToken);
        var book = await OrganisationsAsync(organisationChanges, cancellationToken);

        var commissioners = new HashSet<string>(StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in stack.Append(asked))
        {
            if (o is null) continue;
            if (o.Owner is not null) commissioners.Add(o.Owner);
            if (o.Manager is not null) commissioners.Add(o.Manager);
            ids.Add(o.Id);
        }
        bool Applies(CatalogContract c) => c.Commissioner is not null && commissioners.Contains(c.Commissioner) && Serves(c.TaskTypes, taskType);

        // Two ways a contract applies, as in product contract 3.5: its area covers the point, or it names an object of
        // the stack. One row per contract, with both answers.
        var found = new Dictionary<string, (CatalogContract Contract, bool CoversPoint, List<string>? Listed)>(StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            foreach (var c in layer.Covering(point))
            {
                if (!Applies(c)) continue;
                found[c.Id] = found.TryGetValue(c.Id, out var f) ? f with { CoversPoint = true } : (c, true, null);
            }
            foreach (var id in ids)
            {
                foreach (var c in layer.Listing(id))
                {
                    if (!Applies(c)) continue;
                    if (!found.TryGetValue(c.Id, out var f)) f = (c, false, null);
                    (f.Listed ??= []).Add(id);
                    found[c.Id] = f;
                }
            }
        }

        var names = new HashSet<string>(commissioners, StringComparer.Ordinal);
        var rows = new List<ContractRow>(found.Count);
        foreach (var (c, coversPoint, listed) in found.Values.OrderBy(f => f.Contract.Layer, StringComparer.Ordinal).ThenBy(f => f.Contract.SourceId, StringComparer.Ordinal))
        {
            var subcontracts = layers
                .SelectMany(layer => layer.SubcontractsOf(c.Id))
                .Where(s => Serves(s.TaskTypes, taskType) && s.Valid.Contains(on))
                .OrderBy(s => s.Area is not null ? 0 : 1).ThenBy(s => s.Layer, StringComparer.Ordinal).ThenBy(s => s.SourceId, StringComparer.Ordinal)
                .Select(s => new SubcontractMatch(s.Id, s.SourceId, s.Name, s.Subcontractor) { CoversPoint = s.Area is null || s.Area.Covers(point) })
                .ToList();
            if (c.Contractor is not null) names.Add(c.Contractor);
            foreach (var s in subcontracts) if (s.Subcontractor is not null) names.Add(s.Subcontractor);
            var contract = new ContractMatch(c.Id, c.SourceId, c.Name, c.Contractor, c.Commissioner, c.TaskTypes, c.Valid.From,
                // A range's upper bound is exclusive; the last valid day is the one before.
                c.Valid.Until?.AddDays(-1), null, null)
            {
                Subcontracts = subcontracts,
            };
            rows.Add(new ContractRow(contract, listed ?? [], coversPoint));
        }

        var named = new Dictionary<string, Organisation>(StringComparer.Ordinal);
        foreach (var key in names)
        {
            if (book.ByKey.TryGetValue(key, out var organisation)) named[key] = organisation;
        }
        return (rows, named);
    }

    /// <summary>No task types listed: every task.</summary>
    private static bool Serves(string[]? taskTypes, string taskType) => taskTypes is null || Array.IndexOf(taskTypes, taskType) >= 0;

    private async Task<ContractVersion> VersionAsync(int id, CancellationToken cancellationToken)
    {
        var known = versions.TryGetValue(id, out var kept);
        kept ??= versions.GetOrAdd(id, static (id, catalog) => new Kept(new Lazy<Task<ContractVersion>>(() => catalog.ReadVersionAsync(id))), this);
        kept.Use(Interlocked.Increment(ref uses));
        // Counting takes every lock of the dictionary: only when a version came in.
        if (!known && versions.Count > KeptVersions) Forget();
        var reading = kept.Version.Value;
        if (!reading.IsCompletedSuccessfully)
        {
            try
            {
                await reading.WaitAsync(cancellationToken);
            }
            catch when (reading.IsFaulted || reading.IsCanceled)
            {
                // Read again by the next lookup that needs it, not remembered as failed.
                versions.TryRemove(new KeyValuePair<int, Kept>(id, kept));
                throw;
            }
        }
        return reading.Result;
    }

    /// <summary>Drops the versions used longest ago, down to the limit.</summary>
    private void Forget()
    {
        foreach (var (id, kept) in versions.OrderBy(v => v.Value.LastUsed).Take(Math.Max(0, versions.Count - KeptVersions)).ToList())
        {
            versions.TryRemove(new KeyValuePair<int, Kept>(id, kept));
        }
    }

    private async Task<ContractVersion> ReadVersionAsync(int id)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // Not any one lookup's: several wait on it, and a lookup that gives up does not stop it for the others.
        await using var command = dataSource.CreateCommand(SqlResources.Get("Responsibility/contract_version.sql"));
        command.Parameters.AddWithValue(id);
        var contracts = new List<CatalogContract>();
        var subcontracts = new List<CatalogSubcontract>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var layer = reader.GetString(1);
                var sourceId = reader.GetString(2);
                var objectId = new MapObjectId(layer, sourceId).ToString();
                var valid = reader.GetBoolean(12)
                    ? Validity.Never
                    : new Validity(reader.IsDBNull(10) ? null : reader.GetFieldValue<DateOnly>(10), reader.IsDBNull(11) ? null : reader.GetFieldValue<DateOnly>(11));
                var taskTypes = reader.IsDBNull(9) ? null : reader.GetFieldValue<string[]>(9);
                var area = reader.IsDBNull(13) ? null : AreaTest.Of(reader.GetFieldValue<Geometry>(13));
                if (reader.GetString(0) == LayerKinds.Contract)
                {
                    contracts.Add(new CatalogContract(objectId, layer, sourceId, reader.GetStringOrNull(3), reader.GetStringOrNull(4), reader.GetStringOrNull(5), taskTypes, valid,
                        reader.IsDBNull(8) ? null : reader.GetFieldValue<string[]>(8), area));
                }
                else
                {
                    subcontracts.Add(new CatalogSubcontract(objectId, layer, sourceId, reader.GetStringOrNull(3), reader.GetStringOrNull(6), reader.GetStringOrNull(7), taskTypes, valid, area));
                }
            }
        }
        var version = new ContractVersion(contracts, subcontracts);
        Log.ContractVersionRead(logger, id, contracts.Count, subcontracts.Count, clock.Elapsed.TotalMilliseconds);
        return version;
    }

    private async Task<OrganisationBook> OrganisationsAsync(long changes, CancellationToken cancellationToken)
    {
        // A count of -1: the count's row is missing (migration 0033), and no copy can be trusted.
        if (organisations is { } book && book.Changes == changes && changes >= 0) return book;
        book = await ReadOrganisationsAsync(cancellationToken);
        // A read that began before the change the lookup saw was committed: once more.
        if (book.Changes < changes) book = await ReadOrganisationsAsync(cancellationToken, again: true);
        return book;
    }

    /// <summary>One read of the organisations at a time, shared by the lookups that wait for it.</summary>
    private Task<OrganisationBook> ReadOrganisationsAsync(CancellationToken cancellationToken, bool again = false)
    {
        Task<OrganisationBook> task;
        lock (gate)
        {
            if (again || reading is null || reading.IsCompleted) reading = ReadAllOrganisationsAsync();
            task = reading;
        }
        return task.WaitAsync(cancellationToken);
    }

    private async Task<OrganisationBook> ReadAllOrganisationsAsync()
    {
        await using var command = dataSource.CreateCommand(SqlResources.Get("Responsibility/organisations.sql"));
        await using var reader = await command.ExecuteReaderAsync();
        long changes = 0;
        var byKey = new Dictionary<string, Organisation>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            changes = reader.GetInt64(0);
            if (reader.IsDBNull(1)) continue;
            var organisation = CatalogStore.ReadOrganisation(reader, 1);
            byKey[organisation.Key] = organisation;
        }
        var book = new OrganisationBook(changes, byKey.ToFrozenDictionary(StringComparer.Ordinal));
        // Kept only if no newer read got in first.
        lock (gate)
        {
            if (organisations is null || organisations.Changes <= changes) organisations = book;
        }
        return book;
    }

    private sealed class Kept(Lazy<Task<ContractVersion>> version)
    {
        private long lastUsed;

        public Lazy<Task<ContractVersion>> Version { get; } = version;

        public long LastUsed => Volatile.Read(ref lastUsed);

        /// <summary>Marks it used, as the catalog's <paramref name="use"/>th use of a version (a count, so that no two tie).</summary>
        public void Use(long use) => Volatile.Write(ref lastUsed, use);
    }

    private sealed record OrganisationBook(long Changes, FrozenDictionary<string, Organisation> ByKey);
}

/// <summary>A contract as lookup.sql's caller gets it, before the target is known: the ids of the stack it lists, whether its area covers the point.</summary>
internal sealed record ContractRow(ContractMatch Contract, IReadOnlyList<string> Listed, bool CoversPoint);

/// <summary>A date range as PostgreSQL's daterange holds it: from inclusive, until exclusive, null open; or empty.</summary>
internal readonly record struct Validity(DateOnly? From, DateOnly? Until, bool Empty = false)
{
    public static Validity Never => new(null, null, true);

    public bool Contains(DateOnly day) => !Empty && (From is not { } from || from <= day) && (Until is not { } until || day < until);
}

internal sealed record CatalogContract(string Id, string Layer, string SourceId, string? Name, string? Contractor, string? Commissioner,
    string[]? TaskTypes, Validity Valid, string[]? Covers, AreaTest? Area);

internal sealed record CatalogSubcontract(string Id, string Layer, string SourceId, string? Name, string? Subcontractor, string? ContractRef,
    string[]? TaskTypes, Validity Valid, AreaTest? Area);

/// <summary>
/// Whether a geometry covers a point as PostGIS's ST_Intersects says it (the boundary counts): polygons with an index of
/// their edges built once (so that tests from many threads only read it), anything else by NetTopologySuite's test.
/// </summary>
internal sealed class AreaTest
{
    private readonly Geometry geometry;
    private readonly IndexedPointInAreaLocator? locator;

    private AreaTest(Geometry geometry)
    {
        this.geometry = geometry;
        if (geometry is IPolygonal && !geometry.IsEmpty)
        {
            locator = new IndexedPointInAreaLocator(geometry);
            // The locator builds its index at its first use: here, before any other thread can see it.
            locator.Locate(geometry.Coordinate);
        }
    }

    public Envelope Envelope => geometry.EnvelopeInternal;

    public static AreaTest Of(Geometry geometry) => new(geometry);

    public bool Covers(Point point) => locator is not null
        ? locator.Locate(point.Coordinate) != Location.Exterior
        : !geometry.IsEmpty && geometry.Intersects(point);
}

/// <summary>One contract or subcontract layer version, indexed: areas by an R-tree, contracts by the ids they name, subcontracts by their contract.</summary>
internal sealed class ContractVersion
{
    private readonly STRtree<CatalogContract> areas = new();
    private readonly FrozenDictionary<string, CatalogContract[]> byListed;
    private readonly FrozenDictionary<string, CatalogSubcontract[]> bySubcontracted;

    public ContractVersion(IReadOnlyList<CatalogContract> contracts, IReadOnlyList<CatalogSubcontract> subcontracts)
    {
        foreach (var c in contracts)
        {
            if (c.Area is { Envelope.IsNull: false }) areas.Insert(c.Area.Envelope, c);
        }
        // Built now: an R-tree builds itself at its first query otherwise, which is not safe from many threads.
        areas.Build();
        byListed = contracts
            .SelectMany(c => (c.Covers ?? []).Distinct(StringComparer.Ordinal).Select(id => (id, c)))
            .GroupBy(p => p.id, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Select(p => p.c).ToArray(), StringComparer.Ordinal);
        bySubcontracted = subcontracts
            .Where(s => s.ContractRef is not null)
            .GroupBy(s => s.ContractRef!, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>The contracts whose area covers the point.</summary>
    public IEnumerable<CatalogContract> Covering(Point point)
    {
        foreach (var c in areas.Query(point.EnvelopeInternal))
        {
            if (c.Area!.Covers(point)) yield return c;
        }
    }

    /// <summary>The contracts that name the object.</summary>
    public IReadOnlyList<CatalogContract> Listing(string objectId) => byListed.TryGetValue(objectId, out var list) ? list : [];

    /// <summary>The subcontracts under the contract.</summary>
    public IReadOnlyList<CatalogSubcontract> SubcontractsOf(string contractId) => bySubcontracted.TryGetValue(contractId, out var list) ? list : [];
}
