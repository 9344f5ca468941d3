using System.Security.Claims;
using Npgsql;

namespace DigitalTwin.Server.Access;

/// <summary>
/// The cases whose reporter's contact details one request read (GraphQL's <c>reporter</c>), written to the audit log
/// in one statement when the request has run: who read which case's personal data, when, from where.
/// </summary>
public sealed class PersonalDataReads(NpgsqlDataSource dataSource)
{
    private readonly HashSet<string> cases = new(StringComparer.Ordinal);

    public void Read(string serviceRequestId)
    {
        lock (cases) cases.Add(serviceRequestId);
    }

    public async Task FlushAsync(ClaimsPrincipal who, string? remoteAddress, CancellationToken cancellationToken)
    {
        string[] read;
        lock (cases)
        {
            if (cases.Count == 0) return;
            read = [.. cases.Order(StringComparer.Ordinal)];
            cases.Clear();
        }
        await using var command = dataSource.CreateCommand("""
            INSERT INTO audit_log (actor, role, action, subject, detail, remote_address)
            SELECT $1, $2, 'read-personal-data', 'case:' || number, '{"field": "reporter"}', $4 FROM unnest($3::text[]) AS number
            """);
        command.Parameters.AddWithValue(who.Identity?.Name ?? "anonymous");
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)who.FindFirstValue(ClaimTypes.Role) ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.AddWithValue(read);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)remoteAddress ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
