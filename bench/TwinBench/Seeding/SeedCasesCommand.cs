using System.CommandLine;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Spectre.Console;

namespace DigitalTwin.Bench.Seeding;

/// <summary>
/// <c>seed-cases</c> (<c>./twin seed cases --count N</c>): a realistic history of cases over the loaded city, so that
/// reports can be tried and benchmarked on a large history. Cases come in on the city's objects (a few objects draw
/// many reports), in categories that fit them, more by day than by night, winter maintenance in winter and park care
/// in summer. Each goes where the server's own routing sends it (asked once per object and category through
/// <c>/graphql</c>), is forwarded after a while, sometimes sent back and forwarded again, taken on and done within or
/// after its contract's response time, and closed; recent cases are still open. Written in one transaction with
/// binary COPY, timelines included; nothing is sent to anyone (no outbox rows), and no personal data is made up.
/// </summary>
internal static class SeedCasesCommand
{
    private const string Query = """
        query ($id: ID!, $task: String!) { responsibility(objectId: $id, taskType: $task) {
          recipientKey recipientRole fallback target { id } contract { id } subcontract { id } manager { key } candidates { id } explanation } }
        """;

    /// <summary>Task types by what an object's type suggests; any other object gets damage, litter and graffiti.</summary>
    private static readonly (string Match, string[] Tasks)[] Fits =
    [
        ("light", ["street-lighting", "damage"]), ("lamp", ["street-lighting", "damage"]), ("valo", ["street-lighting", "damage"]),
        ("bridge", ["graffiti", "damage", "litter"]), ("street", ["pothole", "litter", "winter-maintenance", "damage", "traffic-signs"]),
        ("katu", ["pothole", "litter", "winter-maintenance", "damage"]), ("park", ["park-care", "litter", "graffiti", "playground"]),
        ("playground", ["playground", "damage", "litter"]),
    ];

    private static readonly Dictionary<string, string[]> Descriptions = new()
    {
        ["graffiti"] = ["Tags on the wall", "Klotter på pelaren", "Töhryjä seinässä", "New graffiti on the railing"],
        ["litter"] = ["Overflowing bin", "Skräp i buskarna", "Roskia nurmikolla", "Dumped furniture"],
        ["pothole"] = ["Deep pothole in the lane", "Potthål vid övergångsstället", "Kuoppa ajoradalla"],
        ["street-lighting"] = ["Lamp out", "Gatlampan blinkar", "Katuvalo ei pala"],
        ["winter-maintenance"] = ["Icy pavement", "Ej snöröjt", "Liukas jalkakäytävä"],
        ["park-care"] = ["Grass not cut", "Trasig parkbänk", "Puun oksa katkennut"],
        ["damage"] = ["Broken railing", "Skadat räcke", "Rikkinäinen aita"],
        ["playground"] = ["Broken swing", "Trasig gunga", "Keinu rikki"],
        ["traffic-signs"] = ["Sign knocked over", "Vägmärke nedkört", "Liikennemerkki kaatunut"],
    };

    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "How many cases to make.", DefaultValueFactory = _ => 10_000 };
        var days = new Option<int>("--days") { Description = "Over how many days before now.", DefaultValueFactory = _ => 730 };
        var objects = new Option<int>("--objects") { Description = "On how many of the city's objects (assets and buildings).", DefaultValueFactory = _ => 3000 };
        var seed = new Option<int>("--seed") { Description = "The random seed: the same seed on the same city makes the same history.", DefaultValueFactory = _ => 1 };
        var server = new Option<string>("--server") { Description = "Path of TwinServer.dll, whose routing sends each case.", Required = true };
        var psqlUrl = new Option<string>("--psql-url") { Description = "The database as a postgres:// URL, for the server.", Required = true };
        var command = new Command("seed-cases", "A realistic history of cases over the loaded city, for reports.") { count, days, objects, seed, server, psqlUrl };
        command.SetAction((parse, cancellationToken) => BenchDatabase.RunAsync(async ct =>
        {
            var (n, d, o) = (parse.GetValue(count), parse.GetValue(days), parse.GetValue(objects));
            if (n is < 1 or > 20_000_000) throw new BenchException($"--count is 1 to 20,000,000; it was {n}.");
            if (d is < 1 or > 3650) throw new BenchException($"--days is 1 to 3,650; it was {d}.");
            if (o is < 1 or > 1_000_000) throw new BenchException($"--objects is 1 to 1,000,000; it was {o}.");
            await using var dataSource = await BenchDatabase.OpenAsync(ct);
            await SeedAsync(dataSource, n, d, o, parse.GetValue(seed), parse.GetValue(server)!, parse.GetValue(psqlUrl)!, ct);
            return 0;
        }, cancellationToken));
        return command;
    }

    /// <summary>Makes <paramref name="count"/> cases over the last <paramref name="days"/> days (see the class).</summary>
    internal static async Task SeedAsync(NpgsqlDataSource dataSource, int count, int days, int objects, int seed, string serverDll, string psqlUrl,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var city = await CityAsync(dataSource, objects, seed, cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"{city.Objects.Count:N0} objects, {city.Pairs.Count:N0} object and task type pairs to route");
        await RouteAsync(dataSource, city, serverDll, psqlUrl, cancellationToken);
        var made = await WriteAsync(dataSource, city, count, days, seed, cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"[green]{made.Cases:N0} cases with {made.Events:N0} events over {days} days[/] in {clock.Elapsed.TotalSeconds:F1} s");
    }

    private sealed record CityObject(string Id, double Lon, double Lat, string[] Tasks, double Weight);

    /// <summary>Where an object's case of a task type goes, and under which contract's response time.</summary>
    private sealed record Route(string? Recipient, string Role, string? Manager, string SuggestionJson, long? ResponseSeconds);

    private sealed class City
    {
        public List<CityObject> Objects { get; } = [];
        public double[] Cumulative { get; set; } = [];
        public Dictionary<(string Object, string Task), Route?> Pairs { get; } = [];
    }

    private static async Task<City> CityAsync(NpgsqlDataSource dataSource, int limit, int seed, CancellationToken cancellationToken)
    {
        var taskTypes = new HashSet<string>();
        await using (var tasks = dataSource.CreateCommand("SELECT code FROM task_types"))
        await using (var reader = await tasks.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) taskTypes.Add(reader.GetString(0));
        }
        if (taskTypes.Count == 0) throw new BenchException("There are no task types: load the city first (./twin up loads the sample city).");

        // Assets and buildings, a stable pseudo-random choice of them; parcels only where there are none.
        await using var command = dataSource.CreateCommand("""
            SELECT o.id, coalesce(o.type, o.kind), ST_X(p), ST_Y(p)
            FROM current_map_objects o
            CROSS JOIN LATERAL ST_Transform(ST_PointOnSurface(o.geom), 4326) AS p
            WHERE o.geom IS NOT NULL AND o.kind = ANY (CASE WHEN EXISTS (SELECT FROM current_map_objects WHERE kind IN ('asset', 'building'))
                                                            THEN ARRAY['asset', 'building'] ELSE ARRAY['parcel'] END)
            ORDER BY md5(o.id || $2::text)
            LIMIT $1
            """);
        command.Parameters.AddWithValue(limit);
        command.Parameters.AddWithValue(seed);
        var city = new City();
        var random = new Random(seed);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            var rank = 0;
            while (await reader.ReadAsync(cancellationToken))
            {
                var type = reader.GetString(1).ToLowerInvariant();
                var fit = Fits.FirstOrDefault(f => type.Contains(f.Match, StringComparison.Ordinal)).Tasks ?? ["damage", "litter", "graffiti"];
                var tasks = fit.Where(taskTypes.Contains).ToArray();
                if (tasks.Length == 0) tasks = [.. taskTypes.Order()];
                // A few objects draw many reports (Zipf-like), in no particular order of the sample.
                city.Objects.Add(new CityObject(reader.GetString(0), reader.GetDouble(2), reader.GetDouble(3), tasks, 1 / Math.Pow(++rank + 5, 0.9)));
            }
        }
        if (city.Objects.Count == 0) throw new BenchException("The city has no objects to report on: load layers first.");
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(city.Objects));
        var sum = 0.0;
        city.Cumulative = [.. city.Objects.Select(x => sum += x.Weight)];
        foreach (var x in city.Objects)
        {
            foreach (var task in x.Tasks) city.Pairs[(x.Id, task)] = null;
        }
        return city;
    }

    /// <summary>Asks the server's routing once per object and task type, four at a time.</summary>
    private static async Task RouteAsync(NpgsqlDataSource dataSource, City city, string serverDll, string psqlUrl, CancellationToken cancellationToken)
    {
        var responseTimes = new Dictionary<string, JsonObject>();
        await using (var command = dataSource.CreateCommand("SELECT id, response_times::text FROM current_map_objects WHERE response_times IS NOT NULL"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) responseTimes[reader.GetString(0)] = JsonNode.Parse(reader.GetString(1))!.AsObject();
        }
        long? ResponseOf(string? id, string task) =>
            id is not null && responseTimes.TryGetValue(id, out var times) && (times[task] ?? times["*"]) is { } seconds ? seconds.GetValue<long>() : null;

        var key = await BenchKeys.KeyAsync(dataSource, "seed-cases", TwinRoles.Integration, cancellationToken);
        using var twin = await BenchServer.StartAsync(serverDll, psqlUrl, cancellationToken);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(BenchServer.Address) };
            http.DefaultRequestHeaders.Add("X-Api-Key", key);
            var pairs = city.Pairs.Keys.ToList();
            await AnsiConsole.Progress().StartAsync(async progress =>
            {
                var bar = progress.AddTask("routing", maxValue: pairs.Count);
                await Parallel.ForEachAsync(pairs, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (pair, ct) =>
                {
                    using var response = await http.PostAsJsonAsync("/graphql", new { query = Query, variables = new { id = pair.Object, task = pair.Task } }, ct);
                    var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
                    var answer = body["data"]?["responsibility"];
                    Route? route = null;
                    if (answer is not null)
                    {
                        var recipient = answer["recipientKey"]?.GetValue<string>();
                        var contract = answer["contract"]?["id"]?.GetValue<string>();
                        var subcontract = answer["subcontract"]?["id"]?.GetValue<string>();
                        var role = answer["recipientRole"]!.GetValue<string>();
                        var roleName = string.Concat(role.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w[1..].ToLowerInvariant())); // LAND_OWNER: LandOwner
                        // The suggestion as intake writes it (CaseStore.SuggestAsync).
                        var suggestion = new JsonObject
                        {
                            ["recipient"] = recipient, ["role"] = roleName,
                            ["fallback"] = answer["fallback"]!.GetValue<bool>(), ["target"] = answer["target"]?["id"]?.GetValue<string>(),
                            ["contract"] = contract, ["subcontract"] = subcontract,
                            ["conflicts"] = new JsonArray([.. answer["candidates"]!.AsArray().Select(c => (JsonNode?)JsonValue.Create(c!["id"]!.GetValue<string>()))]),
                            ["explanation"] = answer["explanation"]!.DeepClone(),
                        };
                        var seconds = role is "SUBCONTRACTOR" ? ResponseOf(subcontract, pair.Task) ?? ResponseOf(contract, pair.Task)
                            : role is "CONTRACTOR" ? ResponseOf(contract, pair.Task) : null;
                        route = new Route(recipient, roleName, answer["manager"]?["key"]?.GetValue<string>(), suggestion.ToJsonString(), seconds);
                    }
                    lock (city.Pairs) city.Pairs[pair] = route;
                    bar.Increment(1);
                });
            });
        }
        finally
        {
            twin.Kill(entireProcessTree: true);
        }
    }

    private readonly record struct Made(long Cases, long Events);

    private static async Task<Made> WriteAsync(NpgsqlDataSource dataSource, City city, int count, int days, int seed, CancellationToken cancellationToken)
    {
        var random = new Random(seed);
        var now = DateTimeOffset.UtcNow;
        var start = now.AddDays(-days);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        async Task<long[]> NextAsync(string sequence)
        {
            await using var next = new NpgsqlCommand($"SELECT nextval('{sequence}') FROM generate_series(1, $1)", connection, transaction);
            next.Parameters.AddWithValue(count);
            var values = new long[count];
            await using var reader = await next.ExecuteReaderAsync(cancellationToken);
            for (var i = 0; await reader.ReadAsync(cancellationToken); i++) values[i] = reader.GetInt64(0);
            return values;
        }
        var ids = await NextAsync("cases_id_seq");
        var numbers = await NextAsync("case_numbers");

        // Stored in the storage CRS, reprojected here as the importer does (ProjNet, from PostGIS's own definitions).
        var toStorage = (await Importers.Reprojection.CrsCatalog.LoadAsync(dataSource, cancellationToken)).CreateReprojector(4326, StorageCrs.Srid);
        long eventCount = 0;
        const int Chunk = 50_000;
        var steps = new List<(long Case, Step Step)>();
        await AnsiConsole.Progress().StartAsync(async progress =>
        {
            var bar = progress.AddTask("cases", maxValue: count);
            for (var first = 0; first < count; first += Chunk)
            {
                // One COPY at a time on a connection: a chunk of cases, then their timelines.
                steps.Clear();
                await using (var copy = await connection.BeginBinaryImportAsync("""
                    COPY cases (id, service_request_id, category, description, lon, lat, geom, language, channel, status, suggested_to, suggested_role,
                                suggestion, object_id, assignee, status_notes, created_at, updated_at, forwarded_at, assigned_at, done_at, due_at, forwards, rejected_by)
                    FROM STDIN (FORMAT BINARY)
                    """, cancellationToken))
                {
                    for (var i = first; i < Math.Min(count, first + Chunk); i++)
                    {
                        var x = city.Objects[Pick(city.Cumulative, random)];
                        var task = x.Tasks[random.Next(x.Tasks.Length)];
                        var created = When(random, start, now, task);
                        var route = city.Pairs[(x.Id, task)];
                        var history = Live(random, created, now, route);

                        await copy.StartRowAsync(cancellationToken);
                        copy.Write(ids[i], NpgsqlDbType.Bigint);
                        copy.Write($"{created.Year}-{numbers[i]:D6}", NpgsqlDbType.Text);
                        copy.Write(task, NpgsqlDbType.Text);
                        var texts = Descriptions.GetValueOrDefault(task) ?? ["Reported on the map"];
                        copy.Write(texts[random.Next(texts.Length)], NpgsqlDbType.Text);
                        // Within about 15 m of the object, as a citizen's phone places it.
                        var lon = x.Lon + (random.NextDouble() - 0.5) * 0.0005;
                        var lat = x.Lat + (random.NextDouble() - 0.5) * 0.00027;
                        copy.Write(lon, NpgsqlDbType.Double);
                        copy.Write(lat, NpgsqlDbType.Double);
                        copy.Write(toStorage.Transform(new NetTopologySuite.Geometries.Point(lon, lat) { SRID = 4326 }), NpgsqlDbType.Geometry);
                        copy.Write(random.Next(3) switch { 0 => "fi", 1 => "sv", _ => "en" }, NpgsqlDbType.Text);
                        copy.Write(random.Next(4) == 0 ? "phone" : "open311", NpgsqlDbType.Text);
                        copy.Write(history.Status, NpgsqlDbType.Text);
                        Importers.Pipeline.LayerWriter.WriteText(copy, route?.Recipient);
                        Importers.Pipeline.LayerWriter.WriteText(copy, route?.Role);
                        if (route is null) copy.WriteNull(); else copy.Write(route.SuggestionJson, NpgsqlDbType.Jsonb);
                        copy.Write(x.Id, NpgsqlDbType.Text);
                        Importers.Pipeline.LayerWriter.WriteText(copy, history.Assignee);
                        Importers.Pipeline.LayerWriter.WriteText(copy, history.Status is "done" or "closed" ? "Fixed" : null);
                        copy.Write(created, NpgsqlDbType.TimestampTz);
                        copy.Write(history.Events[^1].At, NpgsqlDbType.TimestampTz);
                        WriteTime(copy, history.ForwardedAt);
                        WriteTime(copy, history.AssignedAt);
                        WriteTime(copy, history.DoneAt);
                        WriteTime(copy, history.DueAt);
                        copy.Write((short)history.Forwards, NpgsqlDbType.Smallint);
                        if (history.RejectedBy is null) copy.WriteNull(); else copy.Write(new[] { history.RejectedBy }, NpgsqlDbType.Array | NpgsqlDbType.Text);
                        foreach (var step in history.Events) steps.Add((ids[i], step));
                    }
                    await copy.CompleteAsync(cancellationToken);
                }
                await using (var eventCopy = await connection.BeginBinaryImportAsync("COPY case_events (case_id, at, actor, kind, data) FROM STDIN (FORMAT BINARY)", cancellationToken))
                {
                    foreach (var (caseId, e) in steps)
                    {
                        await eventCopy.StartRowAsync(cancellationToken);
                        eventCopy.Write(caseId, NpgsqlDbType.Bigint);
                        eventCopy.Write(e.At, NpgsqlDbType.TimestampTz);
                        eventCopy.Write(e.Actor, NpgsqlDbType.Text);
                        eventCopy.Write(e.Kind, NpgsqlDbType.Text);
                        eventCopy.Write(e.Data, NpgsqlDbType.Jsonb);
                    }
                    await eventCopy.CompleteAsync(cancellationToken);
                }
                eventCount += steps.Count;
                bar.Value = Math.Min(count, first + Chunk);
            }
        });
        await transaction.CommitAsync(cancellationToken);
        await using (var analyze = new NpgsqlCommand("ANALYZE cases; ANALYZE case_events", connection)) await analyze.ExecuteNonQueryAsync(cancellationToken);
        return new Made(count, eventCount);
    }

    private sealed record Step(DateTimeOffset At, string Actor, string Kind, string Data);

    private sealed record History(string Status, string? Assignee, DateTimeOffset? ForwardedAt, DateTimeOffset? AssignedAt, DateTimeOffset? DoneAt,
        DateTimeOffset? DueAt, int Forwards, string? RejectedBy, List<Step> Events);

    /// <summary>
    /// A case's life from intake up to now: forwarded after a while (a few are closed by the handler instead), one in
    /// twenty sent back and forwarded to the manager, taken on, done within or after the response time, then closed.
    /// </summary>
    private static History Live(Random random, DateTimeOffset created, DateTimeOffset now, Route? route)
    {
        var steps = new List<Step> { new(created, "seed", "received", Json(new { channel = "open311" })) };
        if (route is not null) steps.Add(new(created, "system", "suggested", Json(new { recipient = route.Recipient, target = (string?)null })));
        var status = "received";
        string? assignee = null, rejectedBy = null;
        DateTimeOffset? forwardedAt = null, assignedAt = null, doneAt = null, dueAt = null;
        var forwards = 0;

        bool Happens(DateTimeOffset at) => at <= now;
        var forward = created + LogNormal(random, TimeSpan.FromHours(1.5), 1.1);
        if (route?.Recipient is null || random.NextDouble() < 0.03)
        {
            // Answered by the handler directly (or nobody to send it to): closed without a forward.
            var closed = created + LogNormal(random, TimeSpan.FromDays(2), 0.8);
            if (Happens(closed))
            {
                status = "closed";
                doneAt = closed;
                steps.Add(new(closed, "seed:handler", "status", Json(new { from = "received", to = "closed" })));
            }
            return new History(status, null, null, null, doneAt, null, 0, null, steps);
        }
        if (!Happens(forward)) return new History(status, null, null, null, null, null, 0, null, steps);

        void Forward(DateTimeOffset at, string to, long? responseSeconds)
        {
            forwards++;
            forwardedAt ??= at;
            assignedAt = at;
            assignee = to;
            status = "forwarded";
            dueAt = responseSeconds is { } s ? at.AddSeconds(s) : null;
            steps.Add(new(at, "seed:handler", "forwarded", Json(new { recipient = to, channel = "webhook", note = (string?)null })));
        }
        Forward(forward, route.Recipient, route.ResponseSeconds);

        var expected = TimeSpan.FromSeconds(route.ResponseSeconds ?? 2 * 86400);
        if (random.NextDouble() < 0.05 && route.Manager is { } manager && manager != route.Recipient)
        {
            var rejected = forward + LogNormal(random, TimeSpan.FromHours(20), 0.8);
            if (!Happens(rejected)) return new History(status, assignee, forwardedAt, assignedAt, null, dueAt, forwards, null, steps);
            rejectedBy = route.Recipient;
            status = "rejected";
            assignee = null;
            steps.Add(new(rejected, $"key:seed-{route.Recipient}", "rejected", Json(new { by = route.Recipient, reason = "Not in our contract" })));
            var again = rejected + LogNormal(random, TimeSpan.FromHours(3), 1.0);
            if (!Happens(again)) return new History(status, null, forwardedAt, assignedAt, null, dueAt, forwards, rejectedBy, steps);
            Forward(again, manager, null);
        }

        var taken = assignedAt!.Value + LogNormal(random, expected * 0.2, 0.8);
        if (!Happens(taken)) return new History(status, assignee, forwardedAt, assignedAt, null, dueAt, forwards, rejectedBy, steps);
        status = "in_progress";
        steps.Add(new(taken, $"key:seed-{assignee}", "status", Json(new { from = "forwarded", to = "in_progress" })));
        var done = taken + LogNormal(random, expected * 0.45, 0.7);
        if (!Happens(done)) return new History(status, assignee, forwardedAt, assignedAt, null, dueAt, forwards, rejectedBy, steps);
        status = "done";
        doneAt = done;
        steps.Add(new(done, $"key:seed-{assignee}", "status", Json(new { from = "in_progress", to = "done", note = "Fixed" })));
        var closedAt = done + LogNormal(random, TimeSpan.FromDays(2), 0.6);
        if (Happens(closedAt))
        {
            status = "closed";
            steps.Add(new(closedAt, "seed:handler", "status", Json(new { from = "done", to = "closed" })));
        }
        return new History(status, assignee, forwardedAt, assignedAt, doneAt, dueAt, forwards, rejectedBy, steps);
    }

    /// <summary>When a case comes in: more by day than by night, winter maintenance in winter, park care in summer.</summary>
    private static DateTimeOffset When(Random random, DateTimeOffset start, DateTimeOffset end, string task)
    {
        var span = (end - start).Ticks;
        while (true)
        {
            var at = start.AddTicks((long)(random.NextDouble() * span));
            var hour = (at.Hour + 1) % 24; // about Central European time
            var byHour = hour is >= 7 and <= 21 ? 1.0 : 0.2;
            var month = at.Month;
            var bySeason = task switch
            {
                "winter-maintenance" => month is 11 or 12 or 1 or 2 or 3 ? 1.0 : 0.02,
                "park-care" or "playground" => month is >= 5 and <= 9 ? 1.0 : 0.25,
                "pothole" => month is >= 2 and <= 5 ? 1.0 : 0.5,
                _ => 1.0,
            };
            if (random.NextDouble() < byHour * bySeason) return at;
        }
    }

    /// <summary>A log-normal duration with this median; sigma spreads it (1: a tenth take under a quarter, a tenth over 3.6 times).</summary>
    private static TimeSpan LogNormal(Random random, TimeSpan median, double sigma)
    {
        var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var ticks = median.Ticks * Math.Exp(sigma * normal);
        return TimeSpan.FromTicks((long)Math.Clamp(ticks, TimeSpan.FromMinutes(1).Ticks, TimeSpan.FromDays(120).Ticks));
    }

    private static int Pick(double[] cumulative, Random random)
    {
        var index = Array.BinarySearch(cumulative, random.NextDouble() * cumulative[^1]);
        return Math.Min(index < 0 ? ~index : index, cumulative.Length - 1);
    }

    private static string Json(object value) => JsonSerializer.Serialize(value);

    private static void WriteTime(NpgsqlBinaryImporter copy, DateTimeOffset? value)
    {
        if (value is { } at) copy.Write(at, NpgsqlDbType.TimestampTz); else copy.WriteNull();
    }
}
