using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using DigitalTwin.Data.Database;
using DigitalTwin.Data.Text;
using DigitalTwin.Server.Database;
using DigitalTwin.Server.Errors;
using DigitalTwin.Server.Responsibility;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace DigitalTwin.Server.Cases;

/// <summary>
/// Cases and their timelines (product contract section 6). Every change is one transaction that also writes its event, and,
/// for a forward, its outbox row: a case is never forwarded without a record of it, and never recorded as forwarded
/// without a delivery to make.
/// </summary>
public sealed partial class CaseStore(NpgsqlDataSource dataSource, ResponsibilityResolver resolver, CaseChanges changes, IOptions<CaseOptions> options, TimeProvider time,
    IOptions<Reports.ReportOptions> city, ILogger<CaseStore> logger)
{
    private readonly TimeZoneInfo cityZone = TimeZoneInfo.FindSystemTimeZoneById(city.Value.TimeZone);

    private const string Columns = """
        c.id, c.service_request_id, c.category, c.description, c.lon, c.lat, c.address, c.media_url, c.email,
        c.first_name, c.last_name, c.phone, c.language, c.channel, c.status, c.suggested_to, c.suggested_role,
        c.suggestion::text, c.object_id, c.assignee, c.status_notes, c.created_at, c.updated_at, c.version, c.resolution,
        c.awaiting_citizen, c.contact_consent, c.rejected_by, c.promised_at, c.merged_into
        """;

    /// <summary>
    /// Stores a case checked by <see cref="CaseIntake"/> (every channel takes cases in through it), with its routing
    /// suggestion (the responsibility at its point for its category, today). A retried intake with the same
    /// idempotency key, from the same client, gives the case it created the first time; the same key with a different
    /// case (another fingerprint) is refused, IDEMPOTENCY_KEY_REUSED (422), and nothing is written. A category that is
    /// no task type is found by the insert (UNKNOWN_SERVICE), as is a point the storage CRS cannot hold (BAD_PLACE).
    /// </summary>
    /// <returns>The case's id and number, and whether this call created it.</returns>
    public async Task<CaseCreated> CreateAsync(NewCase intake, Actor actor, CancellationToken cancellationToken)
    {
        RequireWritable(("category", intake.Category), ("description", intake.Description), ("address", intake.Address), ("mediaUrl", intake.MediaUrl),
            ("email", intake.Email), ("firstName", intake.FirstName), ("lastName", intake.LastName), ("phone", intake.Phone), ("language", intake.Language),
            ("objectId", intake.ObjectId), ("the idempotency key", intake.IdempotencyKey));
        // A retry is found by the insert itself (a unique index on the client's key): no read before every intake.

        var (answer, suggestion) = await SuggestAsync(intake.Lon, intake.Lat, intake.ObjectId, intake.Category, cancellationToken);
        // A clear case (a contractor or subcontractor holds the task here, no conflict) goes straight on where the
        // city wants that: forwarded in the same statement that takes it in.
        var forwardTo = options.Value.AutoForward && answer is { Recipient: { } to, IsFallback: false, HasConflict: false } ? to : null;

        var fingerprint = Fingerprint(intake);
        async Task<(long Id, string? Number)> InsertAsync()
        {
            await using var insert = dataSource.CreateCommand(SqlResources.Get("Cases/intake.sql"));
            insert.Parameters.AddWithValue(intake.Category);
            insert.Parameters.Add(Text(intake.Description));
            insert.Parameters.AddWithValue(intake.Lon);
            insert.Parameters.AddWithValue(intake.Lat);
            insert.Parameters.Add(Text(intake.Address));
            insert.Parameters.Add(Text(intake.MediaUrl));
            insert.Parameters.Add(Text(intake.Email));
            insert.Parameters.Add(Text(intake.FirstName));
            insert.Parameters.Add(Text(intake.LastName));
            insert.Parameters.Add(Text(intake.Phone));
            insert.Parameters.AddWithValue(intake.Language);
            insert.Parameters.AddWithValue(intake.Channel);
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)actor.ApiKeyId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
            insert.Parameters.Add(Text(intake.IdempotencyKey));
            insert.Parameters.Add(Text(answer?.Recipient));
            insert.Parameters.Add(Text(answer?.RecipientRole.ToString()));
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)suggestion ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
            insert.Parameters.Add(Text(intake.ObjectId ?? answer?.Target?.Id));
            insert.Parameters.AddWithValue(actor.Name);
            insert.Parameters.Add(Text(forwardTo));
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)intake.ContactConsent ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Boolean });
            insert.Parameters.Add(new NpgsqlParameter { Value = fingerprint, NpgsqlDbType = NpgsqlDbType.Bytea });
            // The number's year is the year of intake in the city's time zone (Reports:TimeZone), by the server's clock.
            insert.Parameters.AddWithValue(TimeZoneInfo.ConvertTime(Now, cityZone).Year);
            insert.Parameters.AddWithValue(options.Value.Acknowledge);
            // The reader is disposed exactly once, before anything else is asked: a data source's reader goes back to
            // the pool with its connection, and disposing it again would close another request's reader on that
            // connection (under a burst of retried posts that corrupted the protocol and left requests waiting for ever).
            await using var reader = await ExecuteIntakeAsync(insert, intake, cancellationToken);
            if (!await reader.ReadAsync(cancellationToken)) return (0, null);
            var (id, number) = (reader.GetInt64(0), reader.GetString(1));
            if (forwardTo is not null && reader.IsDBNull(2))
                Log.NotAutoForwarded(logger, number, forwardTo);
            return (id, number);
        }

        // A post with its client's key runs once more when its connection broke under it (the database restarted
        // since the pool opened it): if the first run went through after all, the key finds that case. Without a key
        // a second run could make a second case, so such a post is answered 503 and the client decides.
        var (caseId, created) = intake.IdempotencyKey is null ? await InsertAsync() : await DatabaseFaults.OnceMoreIfBrokenAsync(InsertAsync);
        if (created is null)
        {
            // The key was used before (or by a concurrent request that won the race): the same request is a retry,
            // answered with its case; another request under the same key is refused, not merged into that case.
            var earlier = await DatabaseFaults.OnceMoreIfBrokenAsync(() => FindByIdempotencyKeyAsync(intake.Channel, actor.ApiKeyId, intake.IdempotencyKey!, cancellationToken));
            if (earlier.Fingerprint is not null && !earlier.Fingerprint.AsSpan().SequenceEqual(fingerprint))
            {
                throw new TwinException(ErrorCodes.IdempotencyKeyReused,
                    $"The idempotency key '{intake.IdempotencyKey}' was used for case {earlier.Number} with other content; a retry repeats the request as it was, a new case takes a new key.", 422);
            }
            return new CaseCreated(earlier.Id, earlier.Number, false);
        }
        changes.Raise();
        return new CaseCreated(caseId, created, true);
    }

    /// <summary>
    /// An unknown category is found by the insert (a foreign key), not by reading every task type before each intake;
    /// a point the storage CRS (EPSG:3035) cannot hold, such as the antipode of its centre, by its transform.
    /// </summary>
    private static async Task<NpgsqlDataReader> ExecuteIntakeAsync(NpgsqlCommand insert, NewCase intake, CancellationToken cancellationToken)
    {
        try
        {
            return await insert.ExecuteReaderAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation && e.ConstraintName == "cases_category_fkey")
        {
            throw new TwinException(ErrorCodes.UnknownService, $"There is no service '{intake.Category}'; services.json lists them.");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InternalError)
        {
            throw new TwinException(ErrorCodes.BadPlace, string.Create(CultureInfo.InvariantCulture,
                $"The place (longitude {intake.Lon}, latitude {intake.Lat}) is outside what the server's map projection ({StorageCrs.Name}) can hold: {e.MessageText}"));
        }
    }

    /// <summary>
    /// The routing suggestion (product contract 6): who is responsible here, for this, today, and why. A question the resolver
    /// cannot answer does not stop the case: it comes in without a suggestion, and the handler routes it.
    /// </summary>
    private async Task<(ResponsibilityAnswer? Answer, string? Json)> SuggestAsync(double lon, double lat, string? objectId, string category,
        CancellationToken cancellationToken)
    {
        try
        {
            var answer = await resolver.ResolveAsync(new ResponsibilityQuery(lon, lat, 4326, objectId, category, null, null), cancellationToken);
            return (answer, JsonSerializer.Serialize(new
            {
                recipient = answer.Recipient,
                role = answer.RecipientRole.ToString(),
                fallback = answer.IsFallback,
                target = answer.Target?.Id,
                contract = answer.Contract?.Id,
                subcontract = answer.Subcontract?.Id,
                conflicts = answer.Conflicts.Select(c => c.Id),
                // Who the handler may choose between on a conflict: the contractors of the competing contracts.
                candidates = answer.Conflicts.Select(c => c.Contractor).OfType<string>().Distinct(StringComparer.Ordinal),
                explanation = answer.Explanation,
                lines = answer.ExplanationLines.Select(l => new { key = l.Key, values = l.Values }),
            }));
        }
        catch (TwinException e)
        {
            Log.NoSuggestion(logger, category, lon, lat, e.Message);
            return (null, null);
        }
    }

    /// <summary>A point in any CRS PostGIS knows as WGS84 longitude and latitude, where cases are kept.</summary>
    public async Task<(double Lon, double Lat)> ToLonLatAsync(double x, double y, int srid, CancellationToken cancellationToken)
    {
        if (!double.IsFinite(x) || !double.IsFinite(y)) throw new TwinException(ErrorCodes.BadPoint, "A point's x and y are numbers.");
        if (srid != 4326)
        {
            await using var command = dataSource.CreateCommand("SELECT ST_X(p), ST_Y(p) FROM ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), $3), 4326) AS p");
            command.Parameters.AddWithValue(x);
            command.Parameters.AddWithValue(y);
            command.Parameters.AddWithValue(srid);
            try
            {
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                (x, y) = (reader.GetDouble(0), reader.GetDouble(1));
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InternalError or PostgresErrorCodes.InvalidParameterValue or PostgresErrorCodes.DataException)
            {
                throw new TwinException(ErrorCodes.BadPoint, $"The point does not transform from EPSG:{srid} to WGS84: {e.MessageText}");
            }
        }
        if (!double.IsFinite(x) || !double.IsFinite(y) || x is < -180 or > 180 || y is < -90 or > 90)
            throw new TwinException(ErrorCodes.BadPoint, $"The point is not on the Earth: longitude {x}, latitude {y}.");
        return (x, y);
    }

    public async Task<Case?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM cases c WHERE c.id = $1");
        command.Parameters.AddWithValue(id);
        return await SingleAsync(command, cancellationToken);
    }

    public async Task<Case?> FindAsync(string serviceRequestId, CancellationToken cancellationToken)
    {
        // No case number holds such text (and PostgreSQL could not even compare a NUL): there is no such case.
        if (!TextRules.IsClean(serviceRequestId)) return null;
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM cases c WHERE c.service_request_id = $1");
        command.Parameters.AddWithValue(serviceRequestId);
        return await SingleAsync(command, cancellationToken);
    }

    private async Task<(long Id, string Number, byte[]? Fingerprint)> FindByIdempotencyKeyAsync(string channel, int? apiKeyId, string key,
        CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT id, service_request_id, request_fingerprint FROM cases WHERE channel = $1 AND coalesce(api_key_id, 0) = $2 AND idempotency_key = $3");
        command.Parameters.AddWithValue(channel);
        command.Parameters.AddWithValue(apiKeyId ?? 0);
        command.Parameters.AddWithValue(key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) throw new InvalidOperationException($"The intake met the idempotency key '{key}', but no case has it.");
        return (reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2));
    }

    /// <summary>
    /// What a case is taken in with, as SHA-256 over its fields in a fixed order (JSON, numbers round-tripped): two
    /// intakes with the same fingerprint ask for the same case. Whitespace around fields is trimmed by the channels
    /// before, so only what is stored counts.
    /// </summary>
    internal static byte[] Fingerprint(NewCase intake) => SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(new object?[]
    {
        intake.Category, intake.Lon.ToString("R", CultureInfo.InvariantCulture), intake.Lat.ToString("R", CultureInfo.InvariantCulture),
        intake.Description, intake.Address, intake.MediaUrl, intake.Email, intake.FirstName, intake.LastName, intake.Phone, intake.Language, intake.ObjectId,
        intake.ContactConsent,
    }));

    /// <summary>
    /// The handler's inbox (inbox.sql): open and sent-back cases as the query filters, orders and pages them, with the
    /// number it matches and the counts of the whole inbox for <paramref name="handler"/> (whose "mine" it counts).
    /// </summary>
    public async Task<InboxPage> InboxAsync(InboxQuery query, string? handler, CancellationToken cancellationToken)
    {
        if (query.Limit is < 1 or > InboxQuery.MaxLimit) throw new TwinException(ErrorCodes.BadInput, $"An inbox page has 1 to {InboxQuery.MaxLimit} cases; {query.Limit} was asked.");
        if (query.Offset < 0) throw new TwinException(ErrorCodes.BadInput, $"The offset is {query.Offset}; it counts from 0.");
        if (query.OlderThan is { } age && age < TimeSpan.Zero) throw new TwinException(ErrorCodes.BadInput, "An age is not negative.");
        RequireWritable(("recipient", query.Recipient), ("handler", query.Handler), ("area", query.Area), ("text", query.Text));
        foreach (var value in (query.Statuses ?? []).Concat(query.Categories ?? [])) RequireWritable(("status or category", value));
        var now = time.GetUtcNow();
        // Two statements, one round trip; without JIT, as every statement of the server (TwinDatabase.ServerSessionOptions).
        await using var batch = dataSource.CreateBatch();
        var page = new NpgsqlBatchCommand(SqlResources.Get("Cases/inbox.sql"));
        NpgsqlParameter TextArray(IReadOnlyList<string>? values) =>
            new() { Value = values is { Count: > 0 } ? values.ToArray() : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };
        NpgsqlParameter Flag(bool value) => new() { Value = value, NpgsqlDbType = NpgsqlDbType.Boolean };
        page.Parameters.Add(TextArray(query.Statuses));
        page.Parameters.Add(TextArray(query.Categories));
        page.Parameters.Add(Text(query.Recipient));
        page.Parameters.Add(Text(query.Handler));
        page.Parameters.Add(Flag(query.UnassignedOnly));
        page.Parameters.Add(new NpgsqlParameter { Value = query.OlderThan is { } older ? now - older : DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        page.Parameters.Add(Flag(query.OverdueOnly));
        page.Parameters.Add(Flag(query.FailingOnly));
        page.Parameters.Add(Flag(query.DuplicatesOnly));
        page.Parameters.Add(Text(query.Area));
        page.Parameters.Add(Text(string.IsNullOrWhiteSpace(query.Text) ? null : LikePattern.Containing(query.Text.Trim())));
        page.Parameters.Add(Text(query.Order.ToString().ToLowerInvariant()));
        page.Parameters.AddWithValue(query.Limit);
        page.Parameters.AddWithValue(query.Offset);
        page.Parameters.AddWithValue(now);
        batch.BatchCommands.Add(page);
        var counts = new NpgsqlBatchCommand(SqlResources.Get("Cases/inbox_counts.sql"));
        counts.Parameters.Add(Text(handler));
        counts.Parameters.AddWithValue(now);
        counts.Parameters.AddWithValue(query.SeenUpTo ?? long.MaxValue);
        batch.BatchCommands.Add(counts);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var inbox = new List<InboxCase>();
        var matched = query.Offset; // a page past the end matches no more than the cases before it
        while (await reader.ReadAsync(cancellationToken))
        {
            inbox.Add(InboxCaseOf(reader));
            matched = (int)reader.GetInt64(33);
        }
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        int Count(int ordinal) => (int)reader.GetInt64(ordinal);
        var whole = new InboxCounts(Count(0), Count(1), Count(2), Count(3), Count(4), Count(5), Count(6), Count(7), Count(8), Count(9), Count(10), Count(11), reader.GetInt64(12));
        return new InboxPage(inbox, matched, whole);
    }

    /// <summary>One case as the inbox shows it, whatever its status (desk_case.sql); null when there is none.</summary>
    public async Task<InboxCase?> DeskCaseAsync(long caseId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SqlResources.Get("Cases/desk_case.sql"));
        command.Parameters.AddWithValue(caseId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? InboxCaseOf(reader) : null;
    }

    /// <summary>A row of inbox.sql or desk_case.sql, which share their columns.</summary>
    private static InboxCase InboxCaseOf(NpgsqlDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4),
            reader.GetDouble(5), reader.GetDouble(6), reader.GetStringOrNull(7), reader.GetStringOrNull(8), reader.GetStringOrNull(9), reader.GetStringOrNull(10),
            reader.GetStringOrNull(11), reader.GetStringOrNull(12), reader.GetStringOrNull(13), reader.GetStringOrNull(14), reader.GetStringOrNull(15),
            reader.GetStringOrNull(16), reader.GetString(17))
        {
            Version = reader.GetInt32(18), Channel = reader.GetString(19), DeliveryAttempts = reader.IsDBNull(20) ? 0 : reader.GetInt32(20),
            NextAttemptAt = reader.IsDBNull(21) ? null : reader.GetFieldValue<DateTimeOffset>(21), Suggestion = reader.GetStringOrNull(22),
            AwaitingCitizen = reader.GetBoolean(23), RejectedByAll = reader.IsDBNull(24) ? [] : reader.GetFieldValue<string[]>(24),
            CitizenMessageState = reader.GetStringOrNull(25), CitizenMessageError = reader.GetStringOrNull(26), Handler = reader.GetStringOrNull(27),
            DueAt = reader.IsDBNull(28) ? null : reader.GetFieldValue<DateTimeOffset>(28),
            PromisedAt = reader.IsDBNull(29) ? null : reader.GetFieldValue<DateTimeOffset>(29), MergedInto = reader.GetStringOrNull(30),
            MergedDuplicates = (int)reader.GetInt64(31), MediaUrl = reader.GetStringOrNull(32),
        };

    /// <summary>
    /// Cases by the filter, newest first. The places (<see cref="CaseFilter.Bbox"/>, <see cref="CaseFilter.Near"/>,
    /// <see cref="CaseFilter.Within"/>) are checked here, so that every caller gets the same clear refusal
    /// (<see cref="TwinException"/>, 400) rather than an error from the database.
    /// </summary>
    public async Task<IReadOnlyList<Case>> ListAsync(CaseFilter filter, CancellationToken cancellationToken)
    {
        static string Invariant(FormattableString text) => FormattableString.Invariant(text);
        static bool Longitude(double x) => double.IsFinite(x) && x is >= -180 and <= 180;
        static bool Latitude(double y) => double.IsFinite(y) && y is >= -90 and <= 90;
        const double MaxBboxDegrees = 10;
        RequireWritable(("text", filter.Text), ("category", filter.Category), ("assignee", filter.Assignee), ("objectId", filter.ObjectId), ("within", filter.Within));
        foreach (var id in filter.ServiceRequestIds ?? []) RequireWritable(("service_request_id", id));
        foreach (var status in filter.Statuses ?? []) RequireWritable(("status", status));
        if (filter.Bbox is (var west, var south, var east, var north))
        {
            if (!Longitude(west) || !Longitude(east) || !Latitude(south) || !Latitude(north))
                throw new TwinException(ErrorCodes.BadBbox, Invariant($"A bbox is WGS84 degrees: longitudes from -180 to 180, latitudes from -90 to 90; it was {west}, {south}, {east}, {north}."));
            if (west > east || south > north)
                throw new TwinException(ErrorCodes.BadBbox, Invariant($"A bbox goes west, south, east, north: west {west} is east of east {east}, or south {south} north of north {north}."));
            if (east - west > MaxBboxDegrees || north - south > MaxBboxDegrees)
                throw new TwinException(ErrorCodes.BadBbox, Invariant($"A bbox may span at most {MaxBboxDegrees} degrees of longitude and of latitude; this one spans {east - west} by {north - south}."));
        }
        double? prefilterMetres = null;
        if (filter.Near is (var lon, var lat, var metres))
        {
            if (!Longitude(lon) || !Latitude(lat)) throw new TwinException(ErrorCodes.BadNear, Invariant($"The centre is a WGS84 longitude (-180 to 180) and latitude (-90 to 90); it was {lon}, {lat}."));
            if (!double.IsFinite(metres) || metres is < 0 or > CaseFilter.MaxRadiusMetres)
                throw new TwinException(ErrorCodes.BadNear, Invariant($"The radius is in metres, from 0 to {CaseFilter.MaxRadiusMetres:N0}; it was {metres}."));
            // EPSG:3035 (Lambert azimuthal equal-area, centred on 52°N 10°E) stretches distances across the radius by up
            // to 1 / cos(c / 2), c the angle from its centre: this bound lets the GiST index on geom find every candidate.
            var (latRad, lonRad, centreLat, centreLon) = (lat * Math.PI / 180, lon * Math.PI / 180, 52 * Math.PI / 180, 10 * Math.PI / 180);
            var c = Math.Acos(Math.Clamp(Math.Sin(latRad) * Math.Sin(centreLat) + Math.Cos(latRad) * Math.Cos(centreLat) * Math.Cos(lonRad - centreLon), -1, 1));
            prefilterMetres = metres * 1.01 / Math.Max(Math.Cos(c / 2), 1e-6) + 1;
        }
        if (filter.Within is { } area && (string.IsNullOrWhiteSpace(area) || area.Length > CaseFilter.MaxAreaLength))
            throw new TwinException(ErrorCodes.BadArea, Invariant($"The area is a GeoJSON geometry of 1 to {CaseFilter.MaxAreaLength:N0} characters; it was {area.Length:N0}."));

        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM cases c
            WHERE ($1::text[] IS NULL OR c.service_request_id = ANY ($1))
              AND ($2::text[] IS NULL OR c.status = ANY ($2))
              AND ($3::text IS NULL OR c.category = $3)
              AND ($4::text IS NULL OR c.assignee = $4)
              AND ($5::timestamptz IS NULL OR c.created_at >= $5)
              AND ($6::timestamptz IS NULL OR c.created_at <= $6)
              AND ($7::text IS NULL OR twin_fold(c.description) LIKE twin_fold($7) ESCAPE '\' OR twin_fold(c.address) LIKE twin_fold($7) ESCAPE '\')
              AND ($9::text IS NULL OR c.object_id = $9)
              -- The box ($10 west, $11 south, $12 east, $13 north) decides on the case's own longitude and latitude, edges
              -- included. Its outline in EPSG:3035, densified (a parallel is a curve there) and widened by 50 m, is what
              -- the GiST index on geom can use to find the candidates.
              AND ($10::float8 IS NULL OR (
                    c.geom && (SELECT ST_Expand(ST_Transform(ST_Segmentize(ST_MakeEnvelope($10, $11, $12, $13, 4326), 0.01), twin_storage_srid()), 50))
                    AND c.lon BETWEEN $10 AND $12 AND c.lat BETWEEN $11 AND $13))
              -- The circle ($14 lon, $15 lat, $16 metres) decides on the ellipsoid; $17 bounds the same distance in
              -- EPSG:3035, for the index.
              AND ($14::float8 IS NULL OR (
                    ST_DWithin(c.geom, (SELECT ST_Transform(ST_SetSRID(ST_MakePoint($14, $15), 4326), twin_storage_srid())), $17)
                    AND ST_DWithin(ST_SetSRID(ST_MakePoint(c.lon, c.lat), 4326)::geography, ST_SetSRID(ST_MakePoint($14, $15), 4326)::geography, $16)))
              -- The area ($18): GeoJSON, WGS84 unless a legacy crs member says otherwise.
              AND ($18::text IS NULL OR ST_Intersects(c.geom, (SELECT ST_Transform(ST_GeomFromGeoJSON($18), twin_storage_srid()))))
              -- The reporter ($19): an e-mail address as written (any case), or a phone number by its digits.
              AND ($19::text IS NULL OR lower(c.email) = lower($19)
                   OR (length(regexp_replace($19, '\D', '', 'g')) >= 5
                       AND regexp_replace(c.phone, '\D', '', 'g') = regexp_replace($19, '\D', '', 'g')))
            ORDER BY c.created_at DESC, c.id DESC
            LIMIT $8
            """);
        NpgsqlParameter Number(double? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Double };
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.ServiceRequestIds?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.Statuses?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(Text(filter.Category));
        command.Parameters.Add(Text(filter.Assignee));
        // Npgsql writes timestamptz from UTC only: a moment given with its local offset is the same moment in UTC.
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.From?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.To?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(Text(filter.Text is { } text ? LikePattern.Containing(text) : null));
        command.Parameters.AddWithValue(filter.Limit);
        command.Parameters.Add(Text(filter.ObjectId));
        command.Parameters.Add(Number(filter.Bbox?.West));
        command.Parameters.Add(Number(filter.Bbox?.South));
        command.Parameters.Add(Number(filter.Bbox?.East));
        command.Parameters.Add(Number(filter.Bbox?.North));
        command.Parameters.Add(Number(filter.Near?.Lon));
        command.Parameters.Add(Number(filter.Near?.Lat));
        command.Parameters.Add(Number(filter.Near?.Metres));
        command.Parameters.Add(Number(prefilterMetres));
        command.Parameters.Add(Text(filter.Within));
        command.Parameters.Add(Text(filter.Reporter?.Trim()));
        var cases = new List<Case>();
        try
        {
            // PostGIS reads the area (and places the box and circle in EPSG:3035) while the query runs: its refusal can
            // come with the first row as well as before it.
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) cases.Add(Read(reader));
        }
        catch (PostgresException e) when (filter.Within is not null && e.SqlState is PostgresErrorCodes.InternalError or PostgresErrorCodes.InvalidParameterValue)
        {
            throw TwinException.UnreadableArea(e.MessageText);
        }
        catch (PostgresException e) when ((filter.Bbox is not null || filter.Near is not null) && e.SqlState is PostgresErrorCodes.InternalError)
        {
            throw new TwinException(ErrorCodes.BadPlace, $"The place asked about is outside what the server's map projection ({StorageCrs.Name}) can hold: {e.MessageText}");
        }
        return cases;
    }

    /// <summary>
    /// Status changes anyone may read, in a window of time (from inclusive, to exclusive), oldest first: for Open311's
    /// GET servicerequestupdates, in the words FixMyStreet's integration uses.
    /// </summary>
    public async Task<IReadOnlyList<PublicUpdate>> PublicUpdatesAsync(DateTimeOffset from, DateTimeOffset to, IReadOnlyList<string>? numbers, int limit,
        CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SqlResources.Get("Cases/public_updates.sql"));
        command.Parameters.Add(new NpgsqlParameter { Value = from.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = to.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)numbers?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.AddWithValue(limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var updates = new List<PublicUpdate>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var (kind, statusTo, note, resolution, answer) = (reader.GetString(2), reader.GetStringOrNull(4), reader.GetStringOrNull(5), reader.GetStringOrNull(6), reader.GetStringOrNull(7));
            var (status, external, description) = kind switch
            {
                "closed" => (resolution switch
                {
                    CaseResolution.NotTheCitys => "NOT_COUNCILS_RESPONSIBILITY",
                    CaseResolution.Duplicate => "DUPLICATE",
                    CaseResolution.AlreadyFixed => "FIXED",
                    CaseResolution.PassedToState => "INTERNAL_REFERRAL",
                    _ => "CLOSED",
                }, $"closed:{resolution}", answer),
                "reopened" => ("OPEN", "reopened", (string?)null),
                _ => (statusTo switch
                {
                    CaseStatus.InProgress => "IN_PROGRESS",
                    CaseStatus.Done => "FIXED",
                    CaseStatus.Closed => "CLOSED",
                    _ => "OPEN",
                }, statusTo ?? "unknown", note),
            };
            updates.Add(new PublicUpdate(reader.GetInt64(0), reader.GetString(1), status, reader.GetFieldValue<DateTimeOffset>(3), description, external));
        }
        return updates;
    }

    public async Task<IReadOnlyList<CaseEvent>> TimelineAsync(long caseId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT id, at, actor, kind, data::text FROM case_events WHERE case_id = $1 ORDER BY id");
        command.Parameters.AddWithValue(caseId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<CaseEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new CaseEvent(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)));
        }
        return events;
    }

    public async Task<IReadOnlyList<Delivery>> DeliveriesAsync(long caseId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SqlResources.Get("Cases/deliveries.sql"));
        command.Parameters.AddWithValue(caseId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var deliveries = new List<Delivery>();
        while (await reader.ReadAsync(cancellationToken))
        {
            deliveries.Add(new Delivery(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetGuid(4),
                reader.GetString(5), reader.GetInt32(6), reader.GetFieldValue<DateTimeOffset>(7), reader.GetStringOrNull(8), reader.GetStringOrNull(9),
                reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10)));
        }
        return deliveries;
    }

    /// <summary>The model answers for a task type (its own, then those for any), in their three languages.</summary>
    public IReadOnlyList<ModelAnswer> AnswersFor(string category, string? status = null) =>
        [.. options.Value.Answers.GetValueOrDefault(category, []).Concat(options.Value.Answers.GetValueOrDefault("*", []))
            .Where(a => status is null || a.States.Count == 0 || a.States.Contains(status))];

    private static async Task<Case?> SingleAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static Case Read(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetStringOrNull(3), r.GetDouble(4), r.GetDouble(5), r.GetStringOrNull(6), r.GetStringOrNull(7),
        r.GetStringOrNull(8), r.GetStringOrNull(9), r.GetStringOrNull(10), r.GetStringOrNull(11), r.GetString(12), r.GetString(13), r.GetString(14),
        r.GetStringOrNull(15), r.GetStringOrNull(16), r.GetStringOrNull(17), r.GetStringOrNull(18), r.GetStringOrNull(19), r.GetStringOrNull(20),
        r.GetFieldValue<DateTimeOffset>(21), r.GetFieldValue<DateTimeOffset>(22))
    {
        Version = r.GetInt32(23), Resolution = r.GetStringOrNull(24), AwaitingCitizen = r.GetBoolean(25),
        ContactConsent = r.IsDBNull(26) ? null : r.GetBoolean(26), RejectedBy = r.IsDBNull(27) ? [] : r.GetFieldValue<string[]>(27),
        PromisedAt = r.IsDBNull(28) ? null : r.GetFieldValue<DateTimeOffset>(28), MergedInto = r.IsDBNull(29) ? null : r.GetInt64(29),
    };

    /// <summary>
    /// Refuses text that could not be stored or written out again (TextRules: NUL, other control characters, broken
    /// surrogates) with BAD_TEXT, naming the field. Every change to a case comes through the store, so every channel
    /// (Open311, GraphQL, the map) meets the same rule, and nothing stored can later break a feed, an e-mail or an export.
    /// </summary>
    private static void RequireWritable(params ReadOnlySpan<(string Field, string? Text)> texts)
    {
        foreach (var (field, text) in texts)
        {
            if (TextRules.Problem(field, text) is { } problem) throw new TwinException(ErrorCodes.BadText, problem);
        }
    }

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    /// <summary>The time source, for the 90-day window of Open311's list.</summary>
    internal DateTimeOffset Now => time.GetUtcNow();
}
