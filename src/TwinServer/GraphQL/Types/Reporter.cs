namespace DigitalTwin.Server.GraphQL.Types;

/// <summary>The reporter's contact details (personal data).</summary>
public sealed record Reporter(string? Email, string? FirstName, string? LastName, string? Phone, bool? Consent = null);
