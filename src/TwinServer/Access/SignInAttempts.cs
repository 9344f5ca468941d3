using DigitalTwin.Server.Database;
using DigitalTwin.Server.Errors;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DigitalTwin.Server.Access;

/// <summary>
/// The limit on guessing passwords (<see cref="AccessOptions.SignInsPerMinute"/> per address over the last minute),
/// kept in the database so that it holds across every server node: behind a balancer that spreads requests, a limit
/// per node would let a guesser try that many times per node. A sign-in costs a password hash (tens of milliseconds),
/// so one small statement more is nothing. Other limits stay per node (<see cref="Hardening"/>).
/// </summary>
internal sealed class SignInAttempts(NpgsqlDataSource dataSource, IOptions<AccessOptions> access)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>Counts an attempt from the address; false when the address has used up the window.</summary>
    public async Task<bool> AllowAsync(string address, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SqlResources.Get("Access/sign_in_attempt.sql"));
        command.Parameters.AddWithValue(address);
        command.Parameters.AddWithValue((long)access.Value.SignInsPerMinute);
        command.Parameters.AddWithValue(Window.TotalSeconds);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary>Refuses the request with 429 TOO_MANY_REQUESTS when its address has used up the window; else goes on.</summary>
    public static async ValueTask<object?> LimitAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (await http.RequestServices.GetRequiredService<SignInAttempts>().AllowAsync(address, http.RequestAborted)) return await next(context);
        http.Response.Headers.RetryAfter = ((int)Window.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Hardening.AnswerAsync(http, new TwinException(ErrorCodes.TooManyRequests, "Too many sign-in attempts from this address; try again in a minute."));
        return Results.Empty;
    }
}
