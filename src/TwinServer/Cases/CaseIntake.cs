using System.Globalization;
using DigitalTwin.Data.Text;
using DigitalTwin.Server.Database;
using DigitalTwin.Server.Errors;
using Npgsql;

namespace DigitalTwin.Server.Cases;

/// <summary>
/// The one door a new case comes in by, whatever the channel: Open311's POST from a citizen app, GraphQL's
/// <c>createCase</c> from a handler's tools, the map's new-case form. Each channel reads its own wire format into a
/// <see cref="NewCase"/> and names its fields in its own words (<see cref="IntakeFields"/>); the rules, their order and
/// the codes they refuse with are these, the same for all, so that an edge case is answered alike through every door:
/// <list type="number">
/// <item>text that cannot be stored or written out again (a NUL, another control character): BAD_TEXT;</item>
/// <item>no category: BAD_INPUT; a channel or language we do not know: BAD_CHANNEL, BAD_INPUT;</item>
/// <item>a point that is not on the Earth (WGS84 longitude and latitude): BAD_POINT;</item>
/// <item>a field longer than its limit, or a media URL that is not http(s): BAD_INPUT;</item>
/// <item>an e-mail address the outbox could not send to: BAD_EMAIL;</item>
/// <item>a client's idempotency key longer than its limit: BAD_IDEMPOTENCY_KEY;</item>
/// <item>a map object that is not on the map now: UNKNOWN_OBJECT.</item>
/// </list>
/// What only the database can tell is found by the case store as it writes, again the same for every channel: a
/// category that is no task type (UNKNOWN_SERVICE), a point outside what the storage CRS can hold (BAD_PLACE), a key
/// used before for another request (IDEMPOTENCY_KEY_REUSED). A point outside the city is taken in: the case comes
/// without a suggestion (or with the default contact's), and the handler routes it.
/// </summary>
public sealed class CaseIntake(CaseStore cases, NpgsqlDataSource dataSource, TimeProvider time)
{
    public const int MaxCategory = 100;
    public const int MaxDescription = 10_000;
    public const int MaxAddress = 500;
    public const int MaxMediaUrl = 2_000;
    public const int MaxName = 200;
    public const int MaxPhone = 50;
    public const int MaxObjectId = 300;

    /// <summary>The longest key a client may send to make a retry one case (the IETF Idempotency-Key draft sets none; ours is generous).</summary>
    public const int MaxIdempotencyKey = 200;

    private static readonly string[] Languages = ["fi", "sv", "en"];

    /// <summary>
    /// Checks the case by the rules above and takes it in (<see cref="CaseStore.CreateAsync"/>): a retry with the
    /// same key gives the case it made the first time. A client's key is its own: a key's cases are told apart by the
    /// key (the index has its id), a person's by their name, so that two handlers who both say "1" do not get each
    /// other's case.
    /// </summary>
    public async Task<CaseCreated> TakeInAsync(NewCase intake, IntakeFields fields, Actor actor, CancellationToken cancellationToken)
    {
        var checkedCase = Check(intake, fields);
        if (checkedCase.ObjectId is { } objectId && !await IsOnTheMapAsync(objectId, cancellationToken))
            throw UnknownObject(fields, objectId);
        if (checkedCase.IdempotencyKey is { } key && actor.ApiKeyId is null) checkedCase = checkedCase with { IdempotencyKey = $"{actor.Name}/{key}" };
        return await cases.CreateAsync(checkedCase, actor, cancellationToken);
    }

    /// <summary>
    /// The rules that need no database, in their order: the case with its texts trimmed (blank ones null), or the
    /// first refusal.
    /// </summary>
    public static NewCase Check(NewCase intake, IntakeFields fields)
    {
        var c = intake with
        {
            Category = intake.Category?.Trim() ?? "",
            Description = Trim(intake.Description), Address = Trim(intake.Address), MediaUrl = Trim(intake.MediaUrl), Email = Trim(intake.Email),
            FirstName = Trim(intake.FirstName), LastName = Trim(intake.LastName), Phone = Trim(intake.Phone), ObjectId = Trim(intake.ObjectId),
            IdempotencyKey = Trim(intake.IdempotencyKey), Language = intake.Language?.Trim() ?? "", Channel = intake.Channel?.Trim() ?? "",
        };
        foreach (var (field, text) in new[]
                 {
                     (fields.Category, c.Category), (fields.Description, c.Description), (fields.Address, c.Address), (fields.MediaUrl, c.MediaUrl),
                     (fields.Email, c.Email), (fields.FirstName, c.FirstName), (fields.LastName, c.LastName), (fields.Phone, c.Phone),
                     (fields.ObjectId, c.ObjectId), (fields.IdempotencyKey, c.IdempotencyKey), (fields.Language, c.Language), (fields.Channel, c.Channel),
                 })
        {
            if (TextRules.Problem(field, text) is { } problem) throw new TwinException(ErrorCodes.BadText, problem);
        }

        if (c.Category.Length == 0)
            throw new TwinException(ErrorCodes.BadInput, $"{fields.Category} is required: what the problem is, e.g. graffiti (services.json and GraphQL's taskTypes list them).");
        if (!CaseChannel.All.Contains(c.Channel))
            throw new TwinException(ErrorCodes.BadChannel, $"{fields.Channel} '{c.Channel}' is not one we know: {string.Join(", ", CaseChannel.All)}.");
        if (!Languages.Contains(c.Language))
            throw new TwinException(ErrorCodes.BadInput, $"{fields.Language} '{c.Language}' is not one we answer in: {string.Join(", ", Languages)}.");

        if (!double.IsFinite(c.Lon) || !double.IsFinite(c.Lat) || c.Lon is < -180 or > 180 || c.Lat is < -90 or > 90)
        {
            throw new TwinException(ErrorCodes.BadPoint, string.Create(CultureInfo.InvariantCulture,
                $"{fields.Point} is not a place on the Earth: longitude {c.Lon} (-180 to 180), latitude {c.Lat} (-90 to 90), in WGS84 degrees."));
        }

        Limit(fields.Category, c.Category, MaxCategory);
        Limit(fields.Description, c.Description, MaxDescription);
        Limit(fields.Address, c.Address, MaxAddress);
        Limit(fields.FirstName, c.FirstName, MaxName);
        Limit(fields.LastName, c.LastName, MaxName);
        Limit(fields.Phone, c.Phone, MaxPhone);
        Limit(fields.MediaUrl, c.MediaUrl, MaxMediaUrl);
        if (c.MediaUrl is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out var media) || media.Scheme is not ("http" or "https")))
            throw new TwinException(ErrorCodes.BadInput, $"{fields.MediaUrl} must be an http or https URL.");

        // Read now by the parser that will send to it, so that no delivery meets an address it cannot send to.
        if (EmailAddresses.Problem(fields.Email, c.Email) is { } badEmail) throw new TwinException(ErrorCodes.BadEmail, badEmail);

        if (c.IdempotencyKey?.Length > MaxIdempotencyKey)
            throw new TwinException(ErrorCodes.BadIdempotencyKey, $"{fields.IdempotencyKey} is longer than {MaxIdempotencyKey} characters.");
        if (c.ObjectId?.Length > MaxObjectId) throw UnknownObject(fields, c.ObjectId);
        return c;
    }

    /// <summary>Whether the object is in a layer version serving now (object_exists.sql), as the routing suggestion will look for it.</summary>
    private Task<bool> IsOnTheMapAsync(string objectId, CancellationToken cancellationToken) => DatabaseFaults.OnceMoreIfBrokenAsync(async () =>
    {
        await using var command = dataSource.CreateCommand(SqlResources.Get("Cases/object_exists.sql"));
        command.Parameters.AddWithValue(objectId);
        command.Parameters.AddWithValue(time.GetUtcNow());
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    });

    private static TwinException UnknownObject(IntakeFields fields, string objectId) => new(ErrorCodes.UnknownObject,
        $"{fields.ObjectId} '{objectId[..Math.Min(objectId.Length, MaxObjectId)]}' is not an object of the map (layer:id, e.g. sthlm-assets:TK-BRO-0417).");

    private static void Limit(string field, string? text, int max)
    {
        if (text?.Length > max)
            throw new TwinException(ErrorCodes.BadInput, string.Create(CultureInfo.InvariantCulture, $"{field} is {text.Length:N0} characters; at most {max:N0}."));
    }

    private static string? Trim(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
