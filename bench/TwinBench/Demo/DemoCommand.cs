using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json;
using Npgsql;
using Spectre.Console;

namespace DigitalTwin.Bench.Demo;

/// <summary>
/// <c>demo-setup</c> and <c>demo-post</c>, for <c>./twin up --demo</c>: a handler who signs in (demo.handler), keys for
/// a citizen app, a handler's tool and each sample contractor (kept in a file under .twin, since a key is shown only once, and made again when revoked),
/// the contractors' webhooks signed with the simulator's secret, and three citizen reports posted through Open311
/// (the same three cases on every start: they carry idempotency keys).
/// </summary>
internal static class DemoCommand
{
    public static Command CreateSetup()
    {
        var keysFile = new Option<string>("--keys-file") { Description = "Where the demo's keys are kept (JSON).", Required = true };
        var simulator = new Option<string>("--simulator") { Description = "The contractor simulator's address.", DefaultValueFactory = _ => "http://127.0.0.1:5099" };
        var secret = new Option<string>("--secret") { Description = "The webhook signing secret the simulator expects.", Required = true };
        var command = new Command("demo-setup", "Keys and webhook secrets for the demo.") { keysFile, simulator, secret };
        command.SetAction((parse, cancellationToken) => BenchDatabase.RunAsync(async ct =>
        {
            await using var dataSource = await BenchDatabase.OpenAsync(ct);
            var path = parse.GetValue(keysFile)!;
            var keys = File.Exists(path) ? JsonNode.Parse(await File.ReadAllTextAsync(path, ct))!.AsObject() : new JsonObject();

            // The sample's contractors receive at the simulator (organisations.csv points their webhooks and Open311
            // endpoints there): the webhooks are signed with its secret, and each of them gets a key to report back with.
            await using var update = dataSource.CreateCommand("""
                UPDATE organisations SET webhook_secret = CASE WHEN starts_with(webhook_url, $1 || '/webhooks/') THEN $2 ELSE webhook_secret END
                WHERE starts_with(webhook_url, $1 || '/webhooks/') OR starts_with(open311_endpoint, $1 || '/open311/') RETURNING key
                """);
            update.Parameters.AddWithValue(parse.GetValue(simulator)!.TrimEnd('/'));
            update.Parameters.AddWithValue(parse.GetValue(secret)!);
            var contractors = new List<string>();
            await using (var reader = await update.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct)) contractors.Add(reader.GetString(0));
            }

            keys["citizenApp"] = await KeyAsync(dataSource, keys["citizenApp"]?.GetValue<string>(), "demo-citizen-app", TwinRoles.CitizenApp, null, ct);
            keys["handler"] = await KeyAsync(dataSource, keys["handler"]?.GetValue<string>(), "demo-handler", TwinRoles.Handler, null, ct);
            var contractorKeys = keys["contractors"] as JsonObject ?? [];
            foreach (var organisation in contractors.Order(StringComparer.Ordinal))
            {
                contractorKeys[organisation] = await KeyAsync(dataSource, contractorKeys[organisation]?.GetValue<string>(), $"demo-contractor-{organisation}",
                    TwinRoles.Contractor, organisation, ct);
            }
            keys["contractors"] = contractorKeys.DeepClone();

            // A handler who signs in to the map, with the password kept beside the keys.
            var password = keys["handlerPassword"]?.GetValue<string>() ?? ApiKeyHash.NewKey()[5..21];
            await UserWriter.AddAsync(dataSource, "demo.handler", "Demo handler", TwinRoles.Handler, password, ct, replace: true);
            keys["handlerUser"] = "demo.handler";
            keys["handlerPassword"] = password;
            await File.WriteAllTextAsync(path, keys.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), ct);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            AnsiConsole.MarkupLineInterpolated($"Demo keys in {path}: a citizen app, a handler, {contractors.Count} contractors at the simulator (webhooks signed for it).");
            return 0;
        }, cancellationToken));
        return command;
    }

    /// <summary>The key kept in the file while it still works; else a new one (the old one revoked, if it exists).</summary>
    private static async Task<string> KeyAsync(NpgsqlDataSource dataSource, string? kept, string name, string role, string? organisation, CancellationToken ct)
    {
        if (kept is not null)
        {
            await using var check = dataSource.CreateCommand(
                "SELECT count(*) FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())");
            check.Parameters.AddWithValue(ApiKeyHash.Of(kept));
            if ((long)(await check.ExecuteScalarAsync(ct))! == 1) return kept;
        }
        await using (var revoke = dataSource.CreateCommand("UPDATE api_keys SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL"))
        {
            revoke.Parameters.AddWithValue(name);
            await revoke.ExecuteNonQueryAsync(ct);
        }
        return (await ApiKeyWriter.CreateAsync(dataSource, name, role, organisation, null, ct)).Key;
    }

    /// <summary>Three reports from the sample city's stories, as a citizen app posts them.</summary>
    private static readonly (string Id, string Code, double Lat, double Lon, string Locale, string Description, string Email)[] Reports =
    [
        ("demo-1", "graffiti", 59.305782, 18.076363, "sv", "Klotter på brofästet under Skanstullsbron, norra sidan.", "anna.demo@example.org"),
        ("demo-2", "street-lighting", 59.309058, 18.076370, "sv", "Gatlampan utanför Götgatan 80 är trasig.", "erik.demo@example.org"),
        ("demo-3", "graffiti", 60.175790, 24.935139, "fi", "Töhryjä Töölönlahden puiston penkeissä.", "aino.demo@example.org"),
    ];

    public static Command CreatePost()
    {
        var keysFile = new Option<string>("--keys-file") { Description = "The demo's keys (demo-setup writes them).", Required = true };
        var url = new Option<string>("--url") { Description = "DigitalTwin's address.", Required = true };
        var command = new Command("demo-post", "Post the demo's citizen reports through Open311 (the same cases on every run).") { keysFile, url };
        command.SetAction((parse, cancellationToken) => BenchDatabase.RunAsync(async ct =>
        {
            var key = JsonNode.Parse(await File.ReadAllTextAsync(parse.GetValue(keysFile)!, ct))!["citizenApp"]!.GetValue<string>();
            using var http = new HttpClient { BaseAddress = new Uri(parse.GetValue(url)!) };
            foreach (var r in Reports)
            {
                using var response = await http.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["api_key"] = key, ["service_code"] = r.Code, ["lat"] = r.Lat.ToString(CultureInfo.InvariantCulture),
                    ["long"] = r.Lon.ToString(CultureInfo.InvariantCulture), ["description"] = r.Description, ["email"] = r.Email, ["locale"] = r.Locale,
                    ["device_id"] = "twin-demo", ["client_request_id"] = r.Id,
                }), ct);
                var body = await response.Content.ReadAsStringAsync(ct);
                if (!response.IsSuccessStatusCode) throw new BenchException($"The demo report {r.Id} was refused: {(int)response.StatusCode} {body}");
                var number = JsonDocument.Parse(body).RootElement[0].GetProperty("service_request_id").GetString();
                AnsiConsole.MarkupLineInterpolated($"  citizen report {number}: {r.Code}, {r.Description}");
            }
            return 0;
        }, cancellationToken));
        return command;
    }
}
