using System.Globalization;
using DigitalTwin.Server.Catalog;
using DigitalTwin.Server.Database;
using DigitalTwin.Server.Errors;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using Npgsql;

namespace DigitalTwin.Server.Responsibility;

/// <summary>Settings of the resolver.</summary>
public sealed class ResponsibilityOptions
{
    /// <summary>The organisation that receives what nobody else is responsible for (product contract 3.7, last fallback).</summary>
    public string? DefaultContact { get; set; }

    /// <summary>How far from the point an object still counts as touched, in metres (product contract 3.1).</summary>
    public double DefaultTolerance { get; set; } = 10;
}

/// <summary>
/// Answers product contract section 3: who is responsible for this spot, for this kind of problem, on this date, and why.
/// The stack comes from SQL beside this file (lookup.sql), the contracts, subcontracts and organisations from the
/// node's memory (<see cref="ContractCatalog"/>); the rules that choose between
/// them (target, manager, contract level, conflict, recipient fallbacks) are here, one step per method, and every
/// step adds a line to the explanation.
/// </summary>
public sealed class ResponsibilityResolver([FromKeyedServices(DatabaseExtensions.GenericPlans)] NpgsqlDataSource dataSource, ContractCatalog catalog,
    IOptions<ResponsibilityOptions> options, TimeProvider time)
{
    private const double MaxTolerance = 1000;

    /// <summary>Answers the question; it only reads, so a connection that broke under it is tried once more.</summary>
    public Task<ResponsibilityAnswer> ResolveAsync(ResponsibilityQuery query, CancellationToken cancellationToken) =>
        DatabaseFaults.OnceMoreIfBrokenAsync(() => ResolveOnceAsync(query, cancellationToken));

    private async Task<ResponsibilityAnswer> ResolveOnceAsync(ResponsibilityQuery query, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(time.GetLocalNow().Date);
        var on = query.On ?? today;
        var tolerance = query.Tolerance ?? options.Value.DefaultTolerance;
        if (tolerance is < 0 or > MaxTolerance || double.IsNaN(tolerance))
            throw new TwinException(ErrorCodes.BadTolerance, $"The tolerance must be between 0 and {MaxTolerance} metres; it was {tolerance}.");
        var explanation = new Explanation();

        var moment = ServedVersions.Moment(on, time);

        // Where: the asked point, or a point on the asked object (in the storage CRS).
        StackObject? clicked = null;
        Stacked stacked;
        // The connection goes back to the pool before the catalog is asked: a layer version it has yet to read takes a
        // connection of the same pool, which look-ups waiting on it must not all be holding.
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            if (query.ObjectId is { } objectId)
            {
                // The object, at the asked point where one was given (the spot clicked on it), else at a point on it.
                (clicked, var x, var y) = await ObjectAsync(connection, objectId, moment, cancellationToken)
                    ?? throw new TwinException(ErrorCodes.UnknownObject, $"There is no object {objectId} (ids are layer:id, e.g. sthlm-assets:TK-BRO-0417).");
                stacked = query is { X: { } atX, Y: { } atY } && double.IsFinite(atX) && double.IsFinite(atY)
                    ? await StackAsync(connection, atX, atY, query.Srid, tolerance, moment, query.TaskType, cancellationToken)
                    : await StackAsync(connection, x, y, StorageCrs.Srid, tolerance, moment, query.TaskType, cancellationToken);
            }
            else if (query is { X: { } x, Y: { } y })
            {
                if (!double.IsFinite(x) || !double.IsFinite(y)) throw new TwinException(ErrorCodes.BadPoint, "The point's coordinates must be numbers.");
                stacked = await StackAsync(connection, x, y, query.Srid, tolerance, moment, query.TaskType, cancellationToken);
            }
            else
            {
                throw new TwinException(ErrorCodes.BadRequest, "Ask about a point (at) or an object (objectId).");
            }
        }
        var (contracts, organisations) = await catalog.FindAsync(stacked.ContractVersions, stacked.OrganisationChanges, stacked.Point, query.TaskType, on,
            stacked.Stack, clicked, cancellationToken);
        var lookup = new Lookup(stacked.Stack, stacked.Versions, stacked.LayersLoadedLater, contracts, organisations);
        var stack = lookup.Stack;
        if (lookup.LayersLoadedLater.Count > 0)
        {
            explanation.Say("layers.later", ("date", on), ("layers", string.Join(", ", lookup.LayersLoadedLater)));
        }

        var target = Target(clicked, stack, explanation);
        var parcel = stack.FirstOrDefault(o => o.Kind == LayerKinds.Parcel);
        var landOwner = parcel?.Owner;
        if (parcel is null) explanation.Say("landOwner.none");
        else explanation.Say(landOwner is null ? "landOwner.unrecorded" : "landOwner.parcel", ("owner", landOwner), ("parcel", Named(parcel.Id, parcel.Name)));
        var owner = target?.Kind == LayerKinds.Parcel ? landOwner : target?.Owner;
        if (target is not null)
        {
            explanation.Say((target.Kind == LayerKinds.Parcel ? "owner.parcel" : "owner.object") + (owner is null ? ".unrecorded" : ""), ("owner", owner), ("id", target.Id));
        }

        var (manager, managerSource, area) = Manager(target, owner, landOwner, stack, query.TaskType, explanation);

        ContractMatch? contract = null;
        SubcontractMatch? subcontract = null;
        IReadOnlyList<ContractMatch> conflicts = [];
        if (manager is not null)
        {
            (contract, conflicts) = ChooseContract(lookup.ContractsOf(manager, target?.Id), manager, query.TaskType, on, explanation);
            if (contract is not null)
            {
                subcontract = ChooseSubcontract(contract, query.TaskType, explanation);
            }
        }

        var (recipient, role) = Recipient(subcontract, contract, conflicts, manager, owner, landOwner, options.Value.DefaultContact, explanation);
        return new ResponsibilityAnswer(query.TaskType, on, tolerance, stack, target, landOwner, owner, manager, managerSource,
            area, contract, subcontract, recipient, role, conflicts, explanation)
        {
            ExplanationLines = explanation.Lines,
            Organisations = lookup.Organisations,
        };
    }

    /// <summary>product contract 3.2: the clicked object; else the first asset or building; else the parcel at the point.</summary>
    internal static StackObject? Target(StackObject? clicked, IReadOnlyList<StackObject> stack, Explanation explanation)
    {
        if (clicked is not null)
        {
            explanation.Say("target.asked", Described(clicked));
            return clicked;
        }
        var target = stack.FirstOrDefault(o => o.Kind is LayerKinds.Asset or LayerKinds.Building);
        if (target is not null)
        {
            explanation.Say("target.specific", [.. Described(target), ("metres", target.Distance ?? 0)]);
            return target;
        }
        target = stack.FirstOrDefault(o => o.Kind == LayerKinds.Parcel);
        if (target is null) explanation.Say("target.none");
        else explanation.Say("target.ground", Described(target));
        return target;
    }

    /// <summary>
    /// product contract 3.4: the target's own manager; a building's owner; the smallest management area at the point that covers
    /// the task (no task types listed: all); the land owner.
    /// </summary>
    internal static (string? Manager, ManagerSource Source, StackObject? Area) Manager(
        StackObject? target, string? owner, string? landOwner, IReadOnlyList<StackObject> stack, string taskType, Explanation explanation)
    {
        if (target?.Manager is { } own)
        {
            explanation.Say("manager.object", ("manager", own), ("id", target.Id));
            return (own, ManagerSource.Object, null);
        }
        if (target?.Kind == LayerKinds.Building && owner is not null)
        {
            explanation.Say("manager.building", ("manager", owner));
            return (owner, ManagerSource.BuildingOwner, null);
        }
        var area = stack
            .Where(o => o.Kind == LayerKinds.Area && o.Manager is not null && o.Distance == 0 && (o.TaskTypes is null || o.TaskTypes.Contains(taskType)))
            .OrderBy(o => o.Area)
            .FirstOrDefault();
        if (area is not null)
        {
            explanation.Say("manager.area", ("manager", area.Manager), ("area", Named(area.Id, area.Name)), ("task", taskType));
            return (area.Manager, ManagerSource.ManagementArea, area);
        }
        if (landOwner is not null)
        {
            explanation.Say("manager.landOwner", ("manager", landOwner), ("task", taskType));
            return (landOwner, ManagerSource.LandOwner, null);
        }
        explanation.Say("manager.none");
        return (null, ManagerSource.None, null);
    }

    /// <summary>
    /// product contract 3.5: among the manager's contracts valid on the date for the task, those that list the target come
    /// first, else those whose area covers the point. Two or more at the same level are a conflict. Contracts that
    /// would apply on another date are mentioned, so the handler knows why.
    /// </summary>
    internal static (ContractMatch? Contract, IReadOnlyList<ContractMatch> Conflicts) ChooseContract(
        IReadOnlyList<ContractMatch> matches, string manager, string taskType, DateOnly on, Explanation explanation)
    {
        foreach (var other in matches.Where(m => !m.IsValidOn(on)))
        {
            if (other.ValidTo is { } to && to < on) explanation.Say("contract.ended", ("contract", other.SourceId), ("contractor", other.Contractor), ("date", to));
            else explanation.Say("contract.starts", ("contract", other.SourceId), ("contractor", other.Contractor), ("date", other.ValidFrom));
        }
        var valid = matches.Where(m => m.IsValidOn(on)).ToList();
        var level = valid.Where(m => m.ListsTarget == true).ToList();
        var how = "contract.listed";
        if (level.Count == 0)
        {
            level = valid.Where(m => m.CoversPoint == true).ToList();
            how = "contract.covers";
        }
        switch (level.Count)
        {
            case 0:
                explanation.Say("contract.none", ("manager", manager), ("task", taskType), ("date", on));
                return (null, []);
            case 1:
                var contract = level[0];
                explanation.Say(how, ("contract", Named(contract.SourceId, contract.Name)), ("manager", manager), ("contractor", contract.Contractor),
                    ("from", (object?)contract.ValidFrom ?? "…"), ("to", (object?)contract.ValidTo ?? "…"));
                return (contract, []);
            default:
                explanation.Say("conflict", ("count", level.Count), ("manager", manager), ("task", taskType), ("date", on),
                    ("contracts", string.Join(", ", level.Select(c => $"{c.SourceId} with {c.Contractor}"))),
                    ("pairs", string.Join(", ", level.Select(c => $"{c.SourceId} ({c.Contractor})"))));
                return (null, level);
        }
    }

    /// <summary>product contract 3.6: under the chosen contract, the first subcontract for the task that covers the point.</summary>
    internal static SubcontractMatch? ChooseSubcontract(ContractMatch contract, string taskType, Explanation explanation)
    {
        SubcontractMatch? chosen = null;
        foreach (var match in contract.Subcontracts)
        {
            if (!match.CoversPoint)
            {
                explanation.Say("subcontract.elsewhere", ("subcontract", match.SourceId), ("subcontractor", match.Subcontractor));
                continue;
            }
            chosen ??= match;
        }
        if (chosen is null) explanation.Say("subcontract.none", ("contract", contract.SourceId), ("task", taskType));
        else explanation.Say("subcontract.chosen", ("subcontract", Named(chosen.SourceId, chosen.Name)), ("subcontractor", chosen.Subcontractor), ("task", taskType));
        return chosen;
    }

    /// <summary>product contract 3.7: subcontractor, contractor, manager, owner, land owner, default contact; on a conflict the manager.</summary>
    internal static (string? Recipient, RecipientRole Role) Recipient(SubcontractMatch? subcontract, ContractMatch? contract, IReadOnlyList<ContractMatch> conflicts,
        string? manager, string? owner, string? landOwner, string? defaultContact, Explanation explanation)
    {
        (string?, RecipientRole, string) choice =
            conflicts.Count > 0 && manager is not null ? (manager, RecipientRole.Manager, "recipient.conflict")
            : subcontract?.Subcontractor is { } s ? (s, RecipientRole.Subcontractor, "recipient.subcontractor")
            : contract?.Contractor is { } c ? (c, RecipientRole.Contractor, "recipient.contractor")
            : manager is not null ? (manager, RecipientRole.Manager, "recipient.manager")
            : owner is not null ? (owner, RecipientRole.Owner, "recipient.owner")
            : landOwner is not null ? (landOwner, RecipientRole.LandOwner, "recipient.landOwner")
            : defaultContact is { } fallback ? (fallback, RecipientRole.DefaultContact, "recipient.default")
            : (null, RecipientRole.Nobody, "recipient.nobody");
        explanation.Say(choice.Item3, ("recipient", choice.Item1));
        return (choice.Item1, choice.Item2);
    }

    internal static async Task CheckTaskTypeAsync(NpgsqlConnection connection, string taskType, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT count(*) FROM task_types WHERE code = $1", connection);
        command.Parameters.AddWithValue(taskType);
        if ((long)(await command.ExecuteScalarAsync(cancellationToken))! == 0)
            throw new TwinException(ErrorCodes.UnknownTaskType, $"There is no task type '{taskType}'; taskTypes lists them.");
    }

    internal static async Task<Point> PointAsync(NpgsqlConnection connection, double x, double y, int srid, CancellationToken cancellationToken)
    {
        if (!double.IsFinite(x) || !double.IsFinite(y)) throw new TwinException(ErrorCodes.BadPoint, "The point's coordinates must be numbers.");
        await using var command = new NpgsqlCommand(SqlResources.Get("Responsibility/point.sql"), connection);
        command.Parameters.AddWithValue(x);
        command.Parameters.AddWithValue(y);
        command.Parameters.AddWithValue(srid);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
                throw new TwinException(ErrorCodes.BadCrs, $"EPSG:{srid} is not a coordinate system we know; use e.g. EPSG:4326, EPSG:3879 or EPSG:3011.");
            if (reader.IsDBNull(1))
            {
                throw new TwinException(ErrorCodes.BadPoint,
                    string.Create(CultureInfo.InvariantCulture, $"({x} {y}) is not longitude/latitude in EPSG:{srid}; give the CRS of the coordinates (crs: \"EPSG:3879\")."));
            }
            return reader.GetFieldValue<Point>(1);
        }
        catch (PostgresException e) when (e.SqlState is "XX000" or "22023")
        {
            throw new TwinException(ErrorCodes.BadPoint, $"The point does not transform from EPSG:{srid}: {e.MessageText}");
        }
    }

    /// <summary>What the database says about a lookup, from one round trip (lookup.sql).</summary>
    private sealed record Stacked(List<StackObject> Stack, Point Point, int[] Versions, string[] LayersLoadedLater, int[] ContractVersions, long OrganisationChanges);

    /// <summary>
    /// What a lookup stands on: the stack and the layer versions from the database, the contracts any organisation of
    /// the stack commissioned for the task and those organisations from the catalog.
    /// </summary>
    private sealed record Lookup(IReadOnlyList<StackObject> Stack, int[] Versions, IReadOnlyList<string> LayersLoadedLater,
        IReadOnlyList<ContractRow> Contracts, IReadOnlyDictionary<string, Organisation> Organisations)
    {
        /// <summary>
        /// The manager's contracts that apply to the target or the point: those that list the target, and those whose
        /// area covers the point (product contract 3.5). The catalog finds the contracts of every organisation that
        /// could be the manager, listing any object of the stack, before the manager and the target are chosen.
        /// </summary>
        public List<ContractMatch> ContractsOf(string manager, string? targetId)
        {
            var matches = new List<ContractMatch>();
            foreach (var row in Contracts)
            {
                if (!string.Equals(row.Contract.Commissioner, manager, StringComparison.Ordinal)) continue;
                var listsTarget = targetId is not null && row.Listed.Contains(targetId, StringComparer.Ordinal);
                if (!listsTarget && !row.CoversPoint) continue;
                matches.Add(row.Contract with { ListsTarget = listsTarget, CoversPoint = row.CoversPoint, Versions = Versions });
            }
            return matches;
        }
    }

    private static async Task<Stacked> StackAsync(NpgsqlConnection connection, double x, double y, int srid, double tolerance,
        DateTimeOffset moment, string taskType, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(SqlResources.Get("Responsibility/lookup.sql"), connection);
        command.Parameters.AddWithValue(x);
        command.Parameters.AddWithValue(y);
        command.Parameters.AddWithValue(srid);
        command.Parameters.AddWithValue(tolerance);
        command.Parameters.AddWithValue(moment);
        command.Parameters.AddWithValue(taskType);
        var stack = new List<StackObject>();
        Point point;
        int[] versions, contractVersions;
        string[] late;
        long organisationChanges;
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken)) throw new InvalidOperationException("lookup.sql returned no row.");
            if (!reader.GetBoolean(13))
                throw new TwinException(ErrorCodes.UnknownTaskType, $"There is no task type '{taskType}'; taskTypes lists them.");
            if (!reader.GetBoolean(14))
                throw new TwinException(ErrorCodes.BadCrs, $"EPSG:{srid} is not a coordinate system we know; use e.g. EPSG:4326, EPSG:3879 or EPSG:3011.");
            if (reader.IsDBNull(15))
            {
                throw new TwinException(ErrorCodes.BadPoint,
                    string.Create(CultureInfo.InvariantCulture, $"({x} {y}) is not longitude/latitude in EPSG:{srid}; give the CRS of the coordinates (crs: \"EPSG:3879\")."));
            }
            (point, versions, late, contractVersions, organisationChanges) = (reader.GetFieldValue<Point>(15), reader.GetFieldValue<int[]>(16),
                reader.GetFieldValue<string[]>(17), reader.GetFieldValue<int[]>(18), reader.GetInt64(19));
            do
            {
                if (!reader.IsDBNull(0)) stack.Add(MapObjects.MapObjectSearch.Read(reader));
            }
            while (await reader.ReadAsync(cancellationToken));
        }
        catch (PostgresException e) when (e.SqlState is "XX000" or "22023")
        {
            throw new TwinException(ErrorCodes.BadPoint, $"The point does not transform from EPSG:{srid}: {e.MessageText}");
        }
        return new Stacked(stack, point, versions, late, contractVersions, organisationChanges);
    }

    private static async Task<(StackObject Object, double X, double Y)?> ObjectAsync(NpgsqlConnection connection, string id, DateTimeOffset moment,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(SqlResources.Get("Responsibility/object.sql"), connection);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(moment);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        if (reader.IsDBNull(13)) throw new TwinException(ErrorCodes.NoGeometry, $"{id} has no geometry to resolve at; ask about a point.");
        return (MapObjects.MapObjectSearch.Read(reader), reader.GetDouble(13), reader.GetDouble(14));
    }

    /// <summary>An object as a line names it: in English whole (id, kind, type, name), and its parts for other languages.</summary>
    private static (string, object?)[] Described(StackObject o) =>
    [
        ("object", $"{o.Id} ({o.Kind}{(o.Type is null ? "" : $", {o.Type}")}{(o.Name is null ? "" : $", {o.Name}")})"),
        ("id", o.Id), ("kind", o.Kind), ("type", o.Type), ("name", o.Name),
    ];

    /// <summary>An id with its name in brackets, when it has one: TK-BRO-2025 (Broar Södermalm).</summary>
    private static string Named(string id, string? name) => name is null ? id : $"{id} ({name})";
}
