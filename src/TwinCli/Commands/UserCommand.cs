using System.CommandLine;
using DigitalTwin.Data.Access;
using Npgsql;
using Spectre.Console;

namespace DigitalTwin.Cli.Commands;

/// <summary>
/// <c>user add | list | password | disable | enable</c>: people who sign in to the map (handlers, GIS staff,
/// admins). Passwords are asked for without echo (or read from standard input with --password-stdin) and kept only as
/// PBKDF2 hashes. The command line acts as the local operator: every change is in the audit log as cli:USER.
/// </summary>
internal static class UserCommand
{
    public static Command Create()
    {
        var username = new Argument<string>("USERNAME") { Description = "Lower-case letters, digits and . _ @ -, e.g. anna.handler." };
        var role = new Option<string>("--role") { Description = "handler, gis or admin.", Required = true };
        role.AcceptOnlyFromAmong([.. TwinRoles.People]);
        var name = new Option<string?>("--name") { Description = "The name shown, e.g. Anna Lindqvist." };
        var stdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input (for scripts)." };

        var add = new Command("add", "Make a user who signs in with a password.") { username, role, name, stdin };
        add.SetAction((parse, cancellationToken) => CliDatabase.RunAsync(async ct =>
        {
            var password = ReadPassword(parse.GetValue(stdin));
            await using var dataSource = await CliDatabase.OpenAsync(ct);
            try
            {
                await UserWriter.AddAsync(dataSource, parse.GetValue(username)!, parse.GetValue(name), parse.GetValue(role)!, password, ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw new CliException($"There is a user '{parse.GetValue(username)}' already.");
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.CheckViolation)
            {
                throw new CliException($"'{parse.GetValue(username)}' is not a username: lower-case letters, digits and . _ @ -, 2 to 100 characters.");
            }
            await CliDatabase.AuditAsync(dataSource, "user-added", parse.GetValue(username)!, new { role = parse.GetValue(role) }, ct);
            AnsiConsole.MarkupLineInterpolated($"User {parse.GetValue(username)} ({parse.GetValue(role)}) can sign in at /signin.");
            return 0;
        }, cancellationToken));

        var list = new Command("list", "The users: name, role, made, disabled (never the passwords).");
        list.SetAction((parse, cancellationToken) => CliDatabase.RunAsync(async ct =>
        {
            await using var dataSource = await CliDatabase.OpenAsync(ct);
            await using var command = dataSource.CreateCommand("SELECT username, coalesce(display_name, ''), role, created_at, disabled_at FROM users ORDER BY username");
            await using var reader = await command.ExecuteReaderAsync(ct);
            var table = new Table().Border(TableBorder.Rounded).AddColumns("username", "name", "role", "made", "disabled");
            while (await reader.ReadAsync(ct))
            {
                table.AddRow(Markup.Escape(reader.GetString(0)), Markup.Escape(reader.GetString(1)), reader.GetString(2), CliDatabase.When(reader, 3), CliDatabase.When(reader, 4));
            }
            AnsiConsole.Write(table);
            return 0;
        }, cancellationToken));

        var password = new Command("password", "Set a user's password.") { username, stdin };
        password.SetAction((parse, cancellationToken) => CliDatabase.RunAsync(async ct =>
        {
            var secret = ReadPassword(parse.GetValue(stdin));
            await using var dataSource = await CliDatabase.OpenAsync(ct);
            await ChangeAsync(dataSource, "UPDATE users SET password_hash = $2 WHERE username = $1", parse.GetValue(username)!, PasswordHash.Of(secret), ct);
            await CliDatabase.AuditAsync(dataSource, "user-password-set", parse.GetValue(username)!, new { }, ct);
            AnsiConsole.MarkupLineInterpolated($"The password of {parse.GetValue(username)} is set.");
            return 0;
        }, cancellationToken));

        var disable = new Command("disable", "Stop a user from signing in (a signed-in session ends within a minute).") { username };
        disable.SetAction((parse, cancellationToken) => CliDatabase.RunAsync(async ct =>
        {
            await using var dataSource = await CliDatabase.OpenAsync(ct);
            await ChangeAsync(dataSource, "UPDATE users SET disabled_at = now() WHERE username = $1 AND disabled_at IS NULL AND $2::text IS NULL", parse.GetValue(username)!, null, ct);
            await CliDatabase.AuditAsync(dataSource, "user-disabled", parse.GetValue(username)!, new { }, ct);
            AnsiConsole.MarkupLineInterpolated($"{parse.GetValue(username)} can no longer sign in.");
            return 0;
        }, cancellationToken));

        var enable = new Command("enable", "Let a disabled user sign in again.") { username };
        enable.SetAction((parse, cancellationToken) => CliDatabase.RunAsync(async ct =>
        {
            await using var dataSource = await CliDatabase.OpenAsync(ct);
            await ChangeAsync(dataSource, "UPDATE users SET disabled_at = NULL WHERE username = $1 AND disabled_at IS NOT NULL AND $2::text IS NULL", parse.GetValue(username)!, null, ct);
            await CliDatabase.AuditAsync(dataSource, "user-enabled", parse.GetValue(username)!, new { }, ct);
            AnsiConsole.MarkupLineInterpolated($"{parse.GetValue(username)} can sign in again.");
            return 0;
        }, cancellationToken));

        return new Command("user", "People who sign in: handlers, GIS staff, admins.") { add, list, password, disable, enable };
    }

    private static async Task ChangeAsync(NpgsqlDataSource dataSource, string sql, string username, string? value, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue(username);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        if (await command.ExecuteNonQueryAsync(ct) == 0) throw new CliException($"There is no user '{username}' (or nothing to change).");
    }

    private static string ReadPassword(bool fromStdin)
    {
        var password = fromStdin
            ? Console.In.ReadLine() ?? ""
            : Console.IsInputRedirected
                ? throw new CliException("No terminal to ask for the password: give it on standard input with --password-stdin.")
                : AnsiConsole.Prompt(new TextPrompt<string>("Password:").Secret());
        if (!fromStdin)
        {
            var again = AnsiConsole.Prompt(new TextPrompt<string>("Again:").Secret());
            if (again != password) throw new CliException("The two passwords differ.");
        }
        return PasswordHash.Weakness(password) is { } weakness ? throw new CliException(weakness) : password;
    }
}
