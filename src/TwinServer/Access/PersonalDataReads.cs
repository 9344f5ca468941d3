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
        await AuditWriter.WriteManyAsync(dataSource, who.Identity?.Name ?? "anonymous", who.FindFirstValue(ClaimTypes.Role), "read-personal-data",
            [.. read.Select(number => $"case:{number}")], new { field = "reporter" }, remoteAddress, cancellationToken);
    }
}
