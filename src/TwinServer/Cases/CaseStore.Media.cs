using System.Security.Cryptography;
using DigitalTwin.Data.Text;
using DigitalTwin.Server.Errors;
using Npgsql;

namespace DigitalTwin.Server.Cases;

/// <summary>A photo of a case, as listed: where to fetch it, what it is, who added it and when.</summary>
public sealed record CasePhoto(long Id, string ServiceRequestId, string ContentType, string FileName, int Bytes, string AddedBy, DateTimeOffset AddedAt)
{
    /// <summary>Where the photo is served, under the case's own access rules.</summary>
    public string Url => $"/media/cases/{ServiceRequestId}/{Id}";
}

/// <summary>Photos a handler attaches to a case: kept in the database with it, read under the case's access rules.</summary>
public sealed partial class CaseStore
{
    public const int MaxPhotoBytes = 10 * 1024 * 1024;

    public const int MaxPhotosPerCase = 20;

    /// <summary>
    /// Attaches a photo to a case: a JPEG, PNG or WebP by its own first bytes (whatever its name or declared type
    /// says), at most 10 MiB, at most 20 per case; the same photo twice is one. On the timeline; the case's version
    /// stays (a photo changes nothing the handler was shown).
    /// </summary>
    public async Task<CasePhoto> AttachPhotoAsync(long caseId, string fileName, byte[] bytes, Actor actor, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(fileName ?? "").Trim();
        if (name.Length is 0 or > 200) throw new TwinException(ErrorCodes.BadInput, "A photo's file name has 1 to 200 characters.");
        if (TextRules.Problem("file name", name) is { } problem) throw new TwinException(ErrorCodes.BadText, problem);
        if (bytes.Length == 0) throw new TwinException(ErrorCodes.BadInput, $"{name} is empty.");
        if (bytes.Length > MaxPhotoBytes) throw new TwinException(ErrorCodes.BadInput, $"{name} has {bytes.Length:N0} bytes; a photo has at most {MaxPhotoBytes:N0}.");
        var type = ImageType(bytes) ?? throw new TwinException(ErrorCodes.BadInput, $"{name} is not a JPEG, PNG or WebP image.");
        var hash = SHA256.HashData(bytes);
        return await ChangeAsync(caseId, null, async (tx, current) =>
        {
            await using (var count = new NpgsqlCommand("SELECT count(*) FROM case_media WHERE case_id = $1", tx.Connection, tx.Transaction))
            {
                count.Parameters.AddWithValue(current.Id);
                if ((long)(await count.ExecuteScalarAsync(cancellationToken))! >= MaxPhotosPerCase)
                    throw new TwinException(ErrorCodes.BadInput, $"Case {current.ServiceRequestId} has {MaxPhotosPerCase} photos already.");
            }
            await using var insert = new NpgsqlCommand("""
                INSERT INTO case_media (case_id, content_type, file_name, bytes, sha256, added_by) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (case_id, sha256) DO UPDATE SET file_name = case_media.file_name
                RETURNING id, added_by, added_at, xmax = 0
                """, tx.Connection, tx.Transaction);
            insert.Parameters.AddWithValue(current.Id);
            insert.Parameters.AddWithValue(type);
            insert.Parameters.AddWithValue(name);
            insert.Parameters.AddWithValue(bytes);
            insert.Parameters.AddWithValue(hash);
            insert.Parameters.AddWithValue(actor.Name);
            long id;
            string by;
            DateTimeOffset at;
            bool added;
            await using (var reader = await insert.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                (id, by, at, added) = (reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetBoolean(3));
            }
            if (added) await AddEventAsync(tx, current.Id, actor, "photo-added", new { photo = id, file_name = name, bytes = bytes.Length }, cancellationToken);
            return new CasePhoto(id, current.ServiceRequestId, type, name, bytes.Length, by, at);
        }, cancellationToken);
    }

    /// <summary>A case's photos, oldest first (without their bytes).</summary>
    public async Task<IReadOnlyList<CasePhoto>> PhotosAsync(long caseId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT m.id, c.service_request_id, m.content_type, m.file_name, length(m.bytes), m.added_by, m.added_at
            FROM case_media m JOIN cases c ON c.id = m.case_id WHERE m.case_id = $1 ORDER BY m.id
            """);
        command.Parameters.AddWithValue(caseId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var photos = new List<CasePhoto>();
        while (await reader.ReadAsync(cancellationToken))
        {
            photos.Add(new CasePhoto(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4), reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6)));
        }
        return photos;
    }

    /// <summary>One photo's type and bytes, if it belongs to that case.</summary>
    public async Task<(string ContentType, byte[] Bytes)?> PhotoAsync(long caseId, long photoId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT content_type, bytes FROM case_media WHERE case_id = $1 AND id = $2");
        command.Parameters.AddWithValue(caseId);
        command.Parameters.AddWithValue(photoId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), reader.GetFieldValue<byte[]>(1)) : null;
    }

    /// <summary>The image type by the file's own first bytes (its signature); null when it is none of ours.</summary>
    internal static string? ImageType(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? "image/jpeg"
        : bytes.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) ? "image/png"
        : bytes.Length >= 12 && bytes[..4].SequenceEqual("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8) ? "image/webp"
        : null;
}
