using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace DigitalTwin.Server.Access;

/// <summary>
/// The settings of who may do what and how much (configuration section <c>Access</c>), read in one place and checked
/// when the server starts: a value out of range stops the start with the key's name. The GraphQL limits under the
/// same section are <see cref="GraphQL.GraphQLLimits"/>; the city's sign-in is <c>Access:Oidc</c> (<see cref="OidcOptions"/>).
/// </summary>
public sealed class AccessOptions
{
    public const string Section = "Access";

    /// <summary>No request body above this anywhere (GraphQL takes 2 MB, the sign-in form less).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxRequestBytes { get; set; } = 4L * 1024 * 1024;

    /// <summary>A layer file uploaded over HTTP, at most.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxImportBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Open311 posts per second per address: a stop to floods rather than to a citizen app's traffic.</summary>
    [Range(1, 1_000_000)]
    public int Open311PostsPerSecond { get; set; } = 2000;

    /// <summary>Sign-in attempts per minute per address, against password guessing.</summary>
    [Range(1, 10_000)]
    public int SignInsPerMinute { get; set; } = 10;

    /// <summary>How long a session lasts without use.</summary>
    [Range(0.01, 24 * 30)]
    public double SessionHours { get; set; } = 10;

    /// <summary>How often a session's user is checked again (disabled, or a changed role); 0: on every request.</summary>
    [Range(0, 86_400)]
    public int RecheckSeconds { get; set; } = 60;

    /// <summary>How long the audit trail keeps an entry.</summary>
    [Range(1, 36_500)]
    public double AuditRetentionDays { get; set; } = 365;

    /// <summary>Origins besides the server's own whose pages may post with a session (scheme://host[:port]).</summary>
    public string[] TrustedOrigins { get; set; } = [];

    /// <summary>
    /// Addresses of the load balancers in front of the nodes (HAProxy): their <c>X-Forwarded-For</c> and
    /// <c>X-Forwarded-Proto</c> are believed, so that the limits per address, the audit trail and the cookies see the
    /// client rather than the balancer. Empty: nobody's forwarded headers are believed.
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>The section as it is configured, checked; invalid settings are an <see cref="OptionsValidationException"/> naming each key.</summary>
    public static AccessOptions Read(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<AccessOptions>() ?? new AccessOptions();
        return Problems(options) is { Count: > 0 } problems ? throw new OptionsValidationException(Section, typeof(AccessOptions), problems) : options;
    }

    /// <summary>The trusted origins as URIs (checked by <see cref="Problems"/>).</summary>
    public IReadOnlyList<Uri> TrustedOriginUris() => [.. TrustedOrigins.Select(o => new Uri(o, UriKind.Absolute))];

    internal static List<string> Problems(AccessOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        var problems = results.Select(r => $"{Section}:{string.Join(", ", r.MemberNames)}: {r.ErrorMessage}").ToList();
        problems.AddRange(options.TrustedOrigins
            .Where(o => !(Uri.TryCreate(o, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/"))
            .Select(o => $"{Section}:TrustedOrigins: '{o}' is not an origin (scheme://host[:port])."));
        problems.AddRange(options.TrustedProxies.Where(p => !System.Net.IPAddress.TryParse(p, out _))
            .Select(p => $"{Section}:TrustedProxies: '{p}' is not an IP address."));
        return problems;
    }
}
