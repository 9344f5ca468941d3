using System.CommandLine;
using System.Globalization;
using DigitalTwin.Data.Access;
using Npgsql;
using Spectre.Console;

namespace DigitalTwin.Cli.Commands;

/// <summary>
/// <c>key add | list | revoke</c>: keys of systems (citizen apps posting Open311 requests, contractors' systems
/// sending status updates). A key is shown once, when made; only its SHA-256 is stored.
/// </summary>
internal static class KeyCommand
{
    public static Command Create()
    {
        var name = new Option<string>("--name") { Description = "Who the key is for, e.g. helsinki-feedback-app.", Required = true };
        var role = new Option<string>("--role") { Description = "handler, gis, admin, contractor (with --organisation), integration or citizen-app.", Required = true };
        role.AcceptOnlyFromAmong([.. TwinRoles.All]);
        var organisation = new Option<string?>("--organisation") { Description = "For a contractor's key: the organisation it acts for." };
        var expires = new Option<DateOnly?>("--expires") { Description = "The last day the key works (default: until revoked)." };
        var add = new Command("add", "Make a key and print it (the only time it is shown).") { name, role, organisation, expires };
        add.SetAction((parse, cancellationToken) => CliDatabase.RunAsync(async ct =>
        {
            var (keyRole, keyOrganisation) = (parse.GetValue(role)!, parse.GetValue(organisation));
            if ((keyRole == TwinRoles.Contractor) != (keyOrganisation is not null))
                throw new CliException("A contractor's key needs --organisation (the contractor it acts for); other keys take none.");
            await using var dataSource = await CliDatabase.OpenAsync(ct);
            // The last day given is whole: the key works until the end of it.
            var expiresAt = parse.GetValue(expires) is { } day ? new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : (DateTimeOffset?)null;
            try
            {
                var (id, key) = await ApiKeyWriter.CreateAsync(dataSource, parse.GetValue(name)!, keyRole, keyOrganisation, expiresAt, ct);
                await CliDatabase.AuditAsync(dataSource, "key-added", $"key:{parse.GetValue(name)}", new { id, role = keyRole, organisation = keyOrganisation }, ct);
                AnsiConsole.MarkupLineInterpolated($"Key {id} for {parse.GetValue(name)} ({keyRole}). Keep it now; it is not shown again:");
                Console.WriteLine(key);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
            {
                throw new CliException($"There is no organisation '{keyOrganisation}'.");
            }
            return 0;
        }, cancellationToken));

        var list = new Command("list", "The keys: who, role, organisation, made, expires, revoked (never the keys themselves).");
        list.SetAction((parse, cancellationToken) => CliDatabase.RunAsync(async ct =>
        {
            await using var dataSource = await CliDatabase.OpenAsync(ct);
            await using var command = dataSource.CreateCommand("SELECT id, name, role, organisation, created_at, expires_at, revoked_at FROM api_keys ORDER BY id");
            await using var reader = await command.ExecuteReaderAsync(ct);
            var table = new Table().Border(TableBorder.Rounded).AddColumns("id", "name", "role", "organisation", "made", "expires", "revoked");
            while (await reader.ReadAsync(ct))
            {
                table.AddRow(Markup.Escape(reader.GetInt32(0).ToString(CultureInfo.InvariantCulture)), Markup.Escape(reader.GetString(1)), reader.GetString(2),
                    Markup.Escape(reader.IsDBNull(3) ? "" : reader.GetString(3)), CliDatabase.When(reader, 4), CliDatabase.When(reader, 5), CliDatabase.When(reader, 6));
            }
            AnsiConsole.Write(table);
            return 0;
        }, cancellationToken));

        var id = new Argument<int>("ID") { Description = "The key's id (key list shows it)." };
        var revoke = new Command("revoke", "Stop a key from working (a running server refuses it within 10 s).") { id };
        revoke.SetAction((parse, cancellationToken) => CliDatabase.RunAsync(async ct =>
        {
            await using var dataSource = await CliDatabase.OpenAsync(ct);
            await using var command = dataSource.CreateCommand("UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL");
            command.Parameters.AddWithValue(parse.GetValue(id));
            if (await command.ExecuteNonQueryAsync(ct) == 0) throw new CliException($"There is no key {parse.GetValue(id)} that is not revoked already.");
            await CliDatabase.AuditAsync(dataSource, "key-revoked", $"key {parse.GetValue(id)}", new { }, ct);
            AnsiConsole.MarkupLineInterpolated($"Key {parse.GetValue(id)} revoked.");
            return 0;
        }, cancellationToken));

        return new Command("key", "Keys of systems: citizen apps, contractors' systems.") { add, list, revoke };
    }
}
