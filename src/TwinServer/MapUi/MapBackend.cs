using System.Collections.Concurrent;
using DigitalTwin.Data.Database;
using DigitalTwin.Server.Access;
using DigitalTwin.Server.Cases;
using DigitalTwin.Server.Catalog;
using DigitalTwin.Server.Contracts;
using DigitalTwin.Server.Database;
using DigitalTwin.Server.Errors;
using DigitalTwin.Server.MapObjects;
using DigitalTwin.Server.Responsibility;
using DigitalTwin.Server.Reports;
using DigitalTwin.Ui.Backend;
using Microsoft.AspNetCore.Components.Authorization;
using Npgsql;
using static DigitalTwin.Server.MapUi.UiErrors;

namespace DigitalTwin.Server.MapUi;

/// <summary>The map UI's questions, answered by the same services as GraphQL (one per circuit).</summary>
internal sealed partial class MapBackend(CatalogStore catalog, ResponsibilityResolver resolver, MapObjectSearch search, ContractStore contracts,
    CaseStore cases, DeskState desk, CaseIntake caseIntake, CaseChanges changes, NpgsqlDataSource dataSource, AuthenticationStateProvider authentication, AuditTrail audit, AuditLog auditLog,
    Reports.CaseStatistics statistics, LayerExtents extents) : IMapBackend
{
    /// <summary>
    /// The person signed in on this circuit, who acts on cases: only handlers and admins may (checked here, on the
    /// server, not only by what the page shows).
    /// </summary>
    private async Task<Actor> HandlerAsync()
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        if (!user.HandlesCases()) throw new TwinException(ErrorCodes.Forbidden, "Only handlers and admins work cases.");
        return user.AsActor();
    }

    // Infrastructure types per set of serving layer versions: computing them reads every object once.
    private static readonly ConcurrentDictionary<string, IReadOnlyList<string>> TypesByVersions = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<UiLayer>> LayersAsync(CancellationToken cancellationToken)
    {
        // Each layer's box, so that the map asks for no tile of a layer where it has nothing (a city's layers beside
        // another's, a district's layer at the other end of town): the browser fetches six tiles at a time.
        var boxes = await extents.OfServingAsync(cancellationToken);
        return [.. (await catalog.LayersAsync(null, cancellationToken))
            .Where(l => l.Current is not null)
            .OrderBy(l => DrawingOrder(l.Kind)).ThenBy(l => l.Name, StringComparer.Ordinal)
            .Select(l => new UiLayer(l.Name, l.Kind, l.Current!.Version, l.Current.FeatureCount, l.Current.LoadedAt)
            {
                Bounds = boxes.TryGetValue(l.Name, out var b) ? [b.West, b.South, b.East, b.North] : [],
            })];
    }

    public async Task<IReadOnlyList<UiTaskType>> TaskTypesAsync(CancellationToken cancellationToken) =>
        [.. (await catalog.TaskTypesAsync(cancellationToken)).Select(t => new UiTaskType(t.Code, Name(t.Name)))];

    public async Task<IReadOnlyList<UiOrganisation>> OrganisationsAsync(CancellationToken cancellationToken) =>
        [.. (await catalog.OrganisationsAsync(null, null, cancellationToken)).Select(o => new UiOrganisation(o.Key, o.Kind, Name(o.Name))
        {
            Channels = [.. new[] { ("webhook", o.WebhookUrl), ("open311", o.Open311Endpoint), ("email", o.Email) }.Where(c => c.Item2 is not null).Select(c => c.Item1)],
        })];

    public async Task<IReadOnlyList<string>> TypesAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT string_agg(current_version::text, ',' ORDER BY current_version) FROM layers");
        var versions = (await command.ExecuteScalarAsync(cancellationToken)) as string ?? "";
        if (TypesByVersions.TryGetValue(versions, out var known)) return known;
        await using var types = dataSource.CreateCommand(
            "SELECT DISTINCT type FROM current_map_objects WHERE type IS NOT NULL AND kind IN ('asset', 'building', 'area') ORDER BY type");
        await using var reader = await types.ExecuteReaderAsync(cancellationToken);
        var list = new List<string>();
        while (await reader.ReadAsync(cancellationToken)) list.Add(reader.GetString(0));
        if (TypesByVersions.Count > 16) TypesByVersions.Clear();
        return TypesByVersions[versions] = list;
    }

    public async Task<UiAnswer> ResolveAsync(double? lon, double? lat, string? objectId, string taskType, DateOnly on, CancellationToken cancellationToken)
    {
        var answer = await AsUi(() => resolver.ResolveAsync(new ResponsibilityQuery(lon, lat, 4326, objectId, taskType, on, null), cancellationToken));
        // Where the recipient's responsibility reaches: its subcontract or contract area, or the management area.
        var coverage = answer.RecipientRole switch
        {
            RecipientRole.Subcontractor => answer.Subcontract?.Id,
            RecipientRole.Contractor => answer.Contract?.Id,
            RecipientRole.Manager when answer.ManagerSource == ManagerSource.ManagementArea => answer.ManagementArea?.Id,
            _ => null,
        };
        return new UiAnswer(
            [.. answer.Stack.Select(Object)], answer.Target is null ? null : Object(answer.Target),
            answer.LandOwner, answer.Owner, answer.Manager, answer.ManagerSource.ToString(),
            answer.Contract is null ? null : Contract(answer.Contract),
            answer.Subcontract is { } s ? new UiSubcontract(s.Id, s.SourceId, s.Name, s.Subcontractor) : null,
            answer.Recipient, answer.RecipientRole.ToString(), answer.IsFallback,
            [.. answer.Conflicts.Select(Contract)], answer.Explanation, coverage)
        {
            ExplanationLines = [.. answer.ExplanationLines.Select(l => new UiExplanationLine(l.Key, l.Values))],
        };
    }

    public async Task<string?> GeometryAsync(string objectId, DateOnly on, CancellationToken cancellationToken)
    {
        var found = await AsUi(() => search.FindAsync(objectId, on, cancellationToken));
        return found is null || found.GeoJson == "null" ? null : found.GeoJson;
    }

    public async Task<UiSearchResult> SearchAsync(UiSearch query, CancellationToken cancellationToken)
    {
        var text = string.IsNullOrWhiteSpace(query.Text) ? null : query.Text.Trim();
        if (text is not null && text.Contains(':', StringComparison.Ordinal) && await AsUi(() => search.FindAsync(text, query.On, cancellationToken)) is { } exact)
        {
            return new UiSearchResult([Object(exact)], 1);
        }
        var filter = new MapObjectFilter { Text = text, Types = query.Types, On = query.On };
        // "In any role": what the organisation owns, manages, or holds a contract area of.
        var roles = query.Organisation is null ? [UiRole.Any]
            : query.Role == UiRole.Any ? [UiRole.Owner, UiRole.Manager, UiRole.Contractor] : new[] { query.Role };
        var items = new List<UiObject>();
        long total = 0;
        foreach (var role in roles)
        {
            var narrowed = role switch
            {
                UiRole.Owner => filter with { Owner = query.Organisation },
                UiRole.Manager => filter with { Manager = query.Organisation },
                UiRole.Contractor => filter with { Contractor = query.Organisation, Kinds = [LayerKinds.Contract, LayerKinds.Subcontract] },
                _ => filter,
            };
            var page = await AsUi(() => search.SearchAsync(narrowed, MapObjectOrder.Name, query.First, null, cancellationToken));
            total += await page.CountAsync(cancellationToken);
            items.AddRange(page.Edges.Select(e => Object(e.Node)).Where(o => !items.Any(i => i.Id == o.Id)));
        }
        return new UiSearchResult([.. items.Take(query.First)], Math.Max(total, items.Count));
    }

    public async Task<string?> LayerExtentAsync(string layer, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SqlResources.Get("MapUi/layer_extent.sql"));
        command.Parameters.AddWithValue(layer);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task<UiCoverage> CoverageAsync(string taskType, DateOnly on, CancellationToken cancellationToken)
    {
        var gaps = await AsUi(() => contracts.GapsAsync(taskType, on, null, 4326, cancellationToken));
        var overlaps = await AsUi(() => contracts.OverlapsAsync(taskType, on, null, 4326, cancellationToken));
        return new UiCoverage(
            [.. gaps.Select(g => new UiCoverageArea(g.Manager, g.GeoJson, g.Area))],
            [.. overlaps.Select(o => new UiCoverageArea($"{o.A.SourceId} ({o.A.Contractor}) × {o.B.SourceId} ({o.B.Contractor})", o.GeoJson, o.Area))]);
    }

    public Task<UiInbox> InboxAsync(UiInboxFilter filter, int limit, long? seenUpTo, CancellationToken cancellationToken) => AsUi(async () =>
    {
        var actor = await HandlerAsync();
        var query = new InboxQuery
        {
            Statuses = filter.Status is { Length: > 0 } status ? [status] : null,
            Categories = filter.Category is { Length: > 0 } category ? [category] : null,
            Recipient = filter.Recipient is { Length: > 0 } recipient ? recipient : null,
            Handler = filter.Handler switch { "me" => actor.Name, null or "" or "none" => null, var person => person },
            UnassignedOnly = filter.Handler == "none",
            OlderThan = filter.OlderThanDays is { } days ? TimeSpan.FromDays(days) : null,
            OverdueOnly = filter.Overdue,
            FailingOnly = filter.Failing,
            DuplicatesOnly = filter.Duplicates,
            Area = filter.Area is { Length: > 0 } area ? area : null,
            Text = filter.Text,
            Order = Enum.TryParse<InboxOrder>(filter.Order, ignoreCase: true, out var order) ? order : InboxOrder.Oldest,
            Limit = Math.Clamp(limit, 1, InboxQuery.MaxLimit),
            SeenUpTo = seenUpTo,
        };
        var page = await cases.InboxAsync(query, actor.Name, cancellationToken);
        var c = page.Counts;
        return new UiInbox([.. page.Cases.Select(DeskCase)], page.Matched, new UiInboxCounts(c.Open, c.Overdue, c.Failing, c.Unassigned, c.Mine, c.Duplicates, c.Newer, c.Latest));
    });

    public Task AssignAsync(long caseId, string? handler, int expectedVersion, CancellationToken cancellationToken) => AsUi(async () =>
    {
        var actor = await HandlerAsync();
        await cases.AssignHandlerAsync(caseId, handler == "me" ? actor.Name : handler, expectedVersion, actor, cancellationToken);
    });

    public Task<IReadOnlyList<UiPhoto>> PhotosAsync(long caseId, CancellationToken cancellationToken) => AsUi(async () =>
    {
        await HandlerAsync();
        return (IReadOnlyList<UiPhoto>)[.. (await cases.PhotosAsync(caseId, cancellationToken)).Select(Photo)];
    });

    public Task<UiPhoto> AttachPhotoAsync(long caseId, string fileName, byte[] bytes, CancellationToken cancellationToken) => AsUi(async () =>
        Photo(await cases.AttachPhotoAsync(caseId, fileName, bytes, await HandlerAsync(), cancellationToken)));

    private static UiPhoto Photo(CasePhoto p) => new(p.Id, p.Url, p.FileName, p.AddedBy, p.AddedAt);

    public Task UnmergeAsync(long caseId, int expectedVersion, CancellationToken cancellationToken) =>
        AsUi(async () => await cases.UnmergeAsync(caseId, expectedVersion, await HandlerAsync(), cancellationToken));

    public Task AddNoteAsync(long caseId, string text, CancellationToken cancellationToken) => AsUi(async () =>
    {
        await cases.AddNoteAsync(caseId, text, await HandlerAsync(), cancellationToken);
    });

    public Task<IReadOnlyList<UiPerson>> ColleaguesAsync(CancellationToken cancellationToken) => AsUi(async () =>
    {
        var me = (await HandlerAsync()).Name;
        return (IReadOnlyList<UiPerson>)[.. (await desk.ColleaguesAsync(me, cancellationToken)).Select(p => new UiPerson(p.Id, p.Name))];
    });

    public Task<IReadOnlyList<UiPerson>> ViewingAsync(long caseId, Guid view, CancellationToken cancellationToken) => AsUi(async () =>
    {
        var actor = await HandlerAsync();
        var me = await PersonAsync() ?? new DeskState.Person(actor.Name, actor.Name);
        return (IReadOnlyList<UiPerson>)[.. (await desk.ViewingAsync(caseId, me, view, cancellationToken)).Select(p => new UiPerson(p.Id, p.Name))];
    });

    public Task LeftCaseAsync(long caseId, Guid view, CancellationToken cancellationToken) => AsUi(async () =>
    {
        await desk.LeftAsync(caseId, (await HandlerAsync()).Name, view, cancellationToken);
    });

    public Task<IReadOnlyList<UiSavedView>> SavedViewsAsync(CancellationToken cancellationToken) => AsUi(async () =>
        (IReadOnlyList<UiSavedView>)[.. (await desk.ViewsAsync((await HandlerAsync()).Name, cancellationToken))
            .Select(v => new UiSavedView(v.Name, ReadFilter(v.Filter)))]);

    public Task SaveViewAsync(string name, UiInboxFilter filter, CancellationToken cancellationToken) => AsUi(async () =>
    {
        await desk.SaveViewAsync((await HandlerAsync()).Name, name, System.Text.Json.JsonSerializer.Serialize(filter, ViewJson), cancellationToken);
    });

    public Task DeleteViewAsync(string name, CancellationToken cancellationToken) => AsUi(async () =>
    {
        await desk.DeleteViewAsync((await HandlerAsync()).Name, name, cancellationToken);
    });

    public async Task<string?> LanguageAsync(CancellationToken cancellationToken) =>
        await PersonAsync() is { } person ? await desk.LanguageAsync(person.Id, cancellationToken) : null;

    public Task SetLanguageAsync(string language, CancellationToken cancellationToken) => AsUi(async () =>
    {
        if (await PersonAsync() is { } person) await desk.SetLanguageAsync(person.Id, language, cancellationToken);
    });

    /// <summary>The person signed in on this circuit, as the timeline names them and as they are shown; null for a system's key.</summary>
    private async Task<DeskState.Person?> PersonAsync()
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        return user.Identity?.Name is { } name && user.IsPerson() ? new DeskState.Person(name, user.FindFirst(System.Security.Claims.ClaimTypes.GivenName)?.Value ?? name) : null;
    }

    private static readonly System.Text.Json.JsonSerializerOptions ViewJson = new(System.Text.Json.JsonSerializerDefaults.Web);

    /// <summary>A saved view's filter; a view saved by an older page that no longer reads is the whole inbox.</summary>
    private static UiInboxFilter ReadFilter(string json)
    {
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<UiInboxFilter>(json, ViewJson) ?? UiInboxFilter.All;
        }
        catch (System.Text.Json.JsonException)
        {
            return UiInboxFilter.All;
        }
    }

    public Task<UiCase?> CaseForDeskAsync(long caseId, CancellationToken cancellationToken) => AsUi(async () =>
    {
        await HandlerAsync();
        return await cases.DeskCaseAsync(caseId, cancellationToken) is { } found ? DeskCase(found) : null;
    });

    private static UiCase DeskCase(InboxCase c) =>
        new(c.Id, c.ServiceRequestId, c.Category, c.Status, c.CreatedAt, c.Lon, c.Lat, c.Address, c.Description, c.SuggestedTo, c.Assignee, c.ObjectId,
            c.DeliveryState, c.DeliveryError, c.RejectedBy, c.RejectReason, c.DuplicateOf, c.Language)
        {
            Version = c.Version, Channel = c.Channel, Suggestion = Suggestion(c.Suggestion), DeliveryAttempts = c.DeliveryAttempts, NextAttemptAt = c.NextAttemptAt,
            AwaitingCitizen = c.AwaitingCitizen, RejectedByAll = c.RejectedByAll, CitizenMessageState = c.CitizenMessageState,
            CitizenMessageError = c.CitizenMessageError, Handler = c.Handler, DueAt = c.DueAt, PromisedAt = c.PromisedAt,
            MergedInto = c.MergedInto, MergedDuplicates = c.MergedDuplicates, MediaUrl = c.MediaUrl,
        };

    /// <summary>The stored suggestion (JSON, as CaseStore writes it) as the page shows it.</summary>
    private static UiSuggestion? Suggestion(string? json)
    {
        if (json is null) return null;
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var root = document.RootElement;
        string? Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString() : null;
        IReadOnlyList<string> List(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.Array
            ? [.. v.EnumerateArray().Where(e => e.ValueKind == System.Text.Json.JsonValueKind.String).Select(e => e.GetString()!)]
            : [];
        IReadOnlyList<UiExplanationLine> lines = root.TryGetProperty("lines", out var stored) && stored.ValueKind == System.Text.Json.JsonValueKind.Array
            ? [.. stored.EnumerateArray().Where(l => l.ValueKind == System.Text.Json.JsonValueKind.Object && l.TryGetProperty("key", out _) && l.TryGetProperty("values", out _))
                .Select(l => new UiExplanationLine(l.GetProperty("key").GetString() ?? "",
                    l.GetProperty("values").EnumerateObject().ToDictionary(v => v.Name, v => v.Value.GetString() ?? "", StringComparer.Ordinal)))]
            : [];
        return new UiSuggestion(Text("recipient"), Text("role"), root.TryGetProperty("fallback", out var f) && f.ValueKind == System.Text.Json.JsonValueKind.True,
            List("candidates"), List("explanation")) { Lines = lines };
    }

    public Task MoveCaseAsync(long caseId, double lon, double lat, int expectedVersion, CancellationToken cancellationToken) =>
        AsUi(async () => await cases.RerouteAsync(caseId, new RerouteRequest("", expectedVersion, Lon: lon, Lat: lat), await HandlerAsync(), cancellationToken));

    public Task RerouteAsync(long caseId, UiReroute reroute, CancellationToken cancellationToken) =>
        AsUi(async () => await cases.RerouteAsync(caseId, new RerouteRequest(reroute.Reason, reroute.ExpectedVersion, reroute.Category, reroute.Lon, reroute.Lat,
            reroute.ObjectId), await HandlerAsync(), cancellationToken));

    public IReadOnlyList<string> ModelAnswers(string category, string language, string status) =>
        [.. cases.AnswersFor(category, status).Select(a => a.In(language)).OfType<string>()];

    public UiMessagePreview PreviewMessage(string kind, string number, string category, string language, string text)
    {
        var payload = System.Text.Json.JsonSerializer.SerializeToElement(new
        {
            kind, service_request_id = number, service_code = category, language, status_notes = text,
        });
        var (subject, body) = CitizenMessages.For(payload);
        return new UiMessagePreview(subject, body);
    }

    public Task<long?> ReplyAsync(long caseId, string text, int expectedVersion, CancellationToken cancellationToken) =>
        AsUi(async () => await cases.ReplyAsync(caseId, text, expectedVersion, await HandlerAsync(), cancellationToken));

    public Task<long?> AskCitizenAsync(long caseId, string question, int expectedVersion, CancellationToken cancellationToken) =>
        AsUi(async () => await cases.AskCitizenAsync(caseId, question, expectedVersion, await HandlerAsync(), cancellationToken));

    public Task<long?> CloseCaseAsync(long caseId, string resolution, string? answer, string? duplicateOf, int expectedVersion, CancellationToken cancellationToken) =>
        AsUi(async () => await cases.CloseAtFirstContactAsync(caseId, resolution, answer, duplicateOf, expectedVersion, await HandlerAsync(), cancellationToken));

    public Task ReopenCaseAsync(long caseId, string reason, int expectedVersion, CancellationToken cancellationToken) =>
        AsUi(async () => await cases.ReopenAsync(caseId, reason, expectedVersion, await HandlerAsync(), cancellationToken));

    public Task RetryDeliveriesAsync(long caseId, int expectedVersion, CancellationToken cancellationToken) =>
        AsUi(async () => await cases.RetryDeliveriesAsync(caseId, expectedVersion, await HandlerAsync(), cancellationToken));

    public Task ForwardAsync(long caseId, UiForward forward, CancellationToken cancellationToken) =>
        AsUi(async () => await cases.ForwardAsync(caseId, new ForwardRequest(forward.Recipient, forward.ExpectedVersion, forward.Note, forward.Reason, forward.Channel),
            await HandlerAsync(), cancellationToken));

    public Task<UiCaseRef> CreateCaseAsync(UiNewCase intake, CancellationToken cancellationToken) => AsUi(async () =>
    {
        var handler = await HandlerAsync();
        if (intake.Channel is not (CaseChannel.Phone or CaseChannel.WalkIn or CaseChannel.Email or CaseChannel.Web))
            throw new TwinException(ErrorCodes.BadChannel, $"A handler takes a case in by phone, walk-in, email or web; not '{intake.Channel}'.");
        // A name as the caller gives it: the first word as the first name, the rest as the last name.
        var name = intake.Name?.Trim();
        var (first, last) = string.IsNullOrEmpty(name) ? (null, null) : name.IndexOf(' ', StringComparison.Ordinal) is var space and > 0
            ? (name[..space], name[(space + 1)..]) : (name, (string?)null);
        // The form's own key, so that a double click or a retry after a dropped connection is one case; what the
        // form may hold is CaseIntake's to say, as for every channel.
        var created = await caseIntake.TakeInAsync(new NewCase(intake.Category, intake.Lon, intake.Lat, intake.Description, intake.Address, null,
            intake.Email, first, last, intake.Phone, intake.Language, intake.Channel, intake.ClientKey, intake.ObjectId, intake.Consent),
            IntakeFields.Map, handler, cancellationToken);
        return new UiCaseRef(created.Id, created.ServiceRequestId);
    });

    public Task<IReadOnlyList<UiCaseSummary>> FindCasesAsync(UiCaseSearch search, CancellationToken cancellationToken) => AsUi(async () =>
    {
        await HandlerAsync();
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        var text = string.IsNullOrWhiteSpace(search.Text) ? null : search.Text.Trim();
        // A case number (2026-000123) is found as a number, anything else in the address and description.
        var number = CaseNumbers.IsCaseNumber(text) ? text : null;
        if (search.Reporter is { Length: > 0 } reporter)
            await auditLog.WriteAsync(user, "searched-personal-data", null, new { reporter, via = "map" }, null, cancellationToken);
        IReadOnlyList<Case> found = await cases.ListAsync(new CaseFilter
        {
            ServiceRequestIds = number is null ? null : [number],
            Text = number is null ? text : null,
            Category = search.Category,
            Statuses = search.Status is null ? null : [search.Status],
            From = search.From?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
            To = search.To?.ToDateTime(TimeOnly.MaxValue, DateTimeKind.Utc),
            ObjectId = search.ObjectId,
            Reporter = string.IsNullOrWhiteSpace(search.Reporter) ? null : search.Reporter,
            Limit = Math.Clamp(search.First, 1, 500),
        }, cancellationToken);
        return (IReadOnlyList<UiCaseSummary>)[.. found.Select(Summary)];
    });

    private static UiCaseSummary Summary(Case c) =>
        new(c.Id, c.ServiceRequestId, c.Category, c.Status, c.CreatedAt, c.Address, c.Description, c.Assignee, c.ObjectId, c.Channel, c.Resolution);

    public Task<UiCaseDetail?> CaseAsync(string number, CancellationToken cancellationToken) => AsUi(async () =>
    {
        await HandlerAsync();
        if (await cases.FindAsync(number.Trim(), cancellationToken) is not { } found) return null;
        var timeline = await cases.TimelineAsync(found.Id, cancellationToken);
        var deliveries = await cases.DeliveriesAsync(found.Id, cancellationToken);
        return (UiCaseDetail?)new UiCaseDetail(Summary(found), found.Lon, found.Lat, found.Version, found.StatusNotes, found.SuggestedTo, found.Language,
            Suggestion(found.Suggestion), [.. timeline.Select(e => new UiCaseEvent(e.At, e.Actor, e.Kind, e.Data))],
            [.. deliveries.Select(d => new UiDelivery(d.Id, d.Recipient, d.Channel, d.State, d.Attempts, d.NextAttemptAt, d.LastError, d.DeliveredAt))]);
    });

    public Task<UiContact?> ContactAsync(long caseId, CancellationToken cancellationToken) => AsUi(async () =>
    {
        await HandlerAsync();
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        var found = await cases.GetAsync(caseId, cancellationToken) ?? throw new TwinException(ErrorCodes.UnknownCase, $"There is no case {caseId}.");
        if (found.Email is null && found.Phone is null && found.FirstName is null && found.LastName is null) return null;
        // Who read which case's personal data, before it is shown.
        await auditLog.WriteAsync(user, "read-personal-data", $"case:{found.ServiceRequestId}", new { field = "reporter", via = "map" }, null, cancellationToken);
        var name = string.Join(' ', new[] { found.FirstName, found.LastName }.OfType<string>());
        return (UiContact?)new UiContact(name.Length == 0 ? null : name, found.Email, found.Phone);
    });

    public Task<IReadOnlyList<UiAuditEntry>> AuditTrailAsync(string? actor, string? subject, int limit, CancellationToken cancellationToken) => AsUi(async () =>
    {
        if (!(await authentication.GetAuthenticationStateAsync()).User.IsInRole(TwinRoles.Admin))
            throw new TwinException(ErrorCodes.Forbidden, "The audit trail is for admins.");
        return (IReadOnlyList<UiAuditEntry>)[.. (await audit.ReadAsync(new AuditFilter(null, null, actor, null, subject, Math.Clamp(limit, 1, 1000)), cancellationToken))
            .Select(e => new UiAuditEntry(e.At, e.Actor, e.Role, e.Action, e.Subject, e.Detail, e.RemoteAddress))];
    });

    public IDisposable WatchCases(Func<Task> changed)
    {
        void Handler() => _ = changed();
        changes.Changed += Handler;
        return new Unsubscribe(() => changes.Changed -= Handler);
    }

    private sealed class Unsubscribe(Action action) : IDisposable
    {
        public void Dispose() => action();
    }

    private static int DrawingOrder(string kind) => kind switch
    {
        LayerKinds.Area => 0, LayerKinds.Parcel => 1, LayerKinds.Contract => 2, LayerKinds.Subcontract => 3, LayerKinds.Building => 4, _ => 5,
    };

    private static UiName Name(LocalizedName name) => new(name.Fi, name.Sv, name.En);

    private static UiObject Object(StackObject o) =>
        new(o.Id, o.Layer, o.Kind, o.Type, o.Name, o.Address, o.Owner, o.Manager, o.Distance, o.GeoJson, o.Attributes);

    private static UiContract Contract(ContractMatch c) => new(c.Id, c.SourceId, c.Name, c.Contractor, c.ValidFrom, c.ValidTo);

    public async Task<UiReport> CaseStatisticsAsync(UiReportQuery query, CancellationToken cancellationToken)
    {
        var result = await AsUi(() => statistics.QueryAsync(new CaseStatisticsQuery(Filter(query.Filter), [.. query.GroupBy.Select(Dimension)])
        {
            First = query.First, WithTotal = query.WithTotal, WithTimes = query.WithTimes,
        }, cancellationToken));
        return new UiReport(Counts(result.Total), [.. result.Groups.Select(g => new UiReportGroup(
            new UiReportKey(g.Key.Category, g.Key.Recipient, g.Key.Status, g.Key.AreaId, g.Key.AreaName, g.Key.ObjectId, g.Key.ObjectName, g.Key.ObjectType, g.Key.Period),
            Counts(g.Counts)))], result.Truncated, result.At);
    }

    public string ReportTimeZone => statistics.TimeZone;

    public async Task<UiDensity> CaseDensityAsync(UiReportFilter filter, double cellMetres, CancellationToken cancellationToken)
    {
        var density = await AsUi(() => statistics.DensityAsync(Filter(filter), cellMetres, null, cancellationToken));
        return new UiDensity(density.CellMetres, density.Cases, [.. density.Cells.Select(c => new UiDensityCell(c.Lon, c.Lat, c.Cases))]);
    }

    private static CaseDimension Dimension(UiReportDimension d) => d switch
    {
        UiReportDimension.Category => CaseDimension.Category,
        UiReportDimension.Recipient => CaseDimension.Recipient,
        UiReportDimension.Status => CaseDimension.Status,
        UiReportDimension.District => CaseDimension.District,
        UiReportDimension.Area => CaseDimension.Area,
        UiReportDimension.Object => CaseDimension.Object,
        UiReportDimension.Day => CaseDimension.Day,
        UiReportDimension.Week => CaseDimension.Week,
        UiReportDimension.Month => CaseDimension.Month,
        _ => throw new ArgumentOutOfRangeException(nameof(d), d, "not a report dimension"),
    };

    private static CaseStatisticsFilter Filter(UiReportFilter f) => new()
    {
        From = f.From, Until = f.Until, Categories = f.Categories, Statuses = f.Statuses, Recipients = f.Recipients, AreaId = f.AreaId,
    };

    private static UiReportCounts Counts(CaseCounts c) => new(c.Cases, c.Open, c.Resolved, c.Forwarded, c.FirstContact, c.WithDeadline, c.Overdue, c.Late,
        c.Rejections, c.ForwardMedian, c.ForwardP90, c.DoneMedian, c.DoneP90, c.FirstContactRate);

    /// <summary>
    /// The areas of the serving area layers, districts first, for the inbox's filter. The area layers' versions are
    /// read first and then given as values, so that PostgreSQL plans only their partitions: through the view (a join on
    /// layers) it read every layer's, a third of a second on every page load over a city of a million parcels.
    /// </summary>
    public async Task<IReadOnlyList<UiArea>> AreasAsync(CancellationToken cancellationToken)
    {
        int[] versions;
        await using (var layers = dataSource.CreateCommand("SELECT coalesce(array_agg(current_version), '{}') FROM layers WHERE kind = 'area' AND current_version IS NOT NULL"))
            versions = (int[])(await layers.ExecuteScalarAsync(cancellationToken))!;
        if (versions.Length == 0) return [];
        await using var command = dataSource.CreateCommand("""
            SELECT twin_object_id(layer, source_id) AS id, name, type FROM map_objects
            WHERE version_id = ANY ($1) AND kind = 'area'
            ORDER BY type = 'district' DESC, name, id LIMIT 2000
            """);
        command.Parameters.AddWithValue(versions);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var areas = new List<UiArea>();
        while (await reader.ReadAsync(cancellationToken))
        {
            areas.Add(new UiArea(reader.GetString(0), reader.GetStringOrNull(1), reader.GetStringOrNull(2)));
        }
        return areas;
    }
}
