using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DigitalTwin.Data.Access;

/// <summary>
/// People's passwords, kept as PBKDF2-HMAC-SHA256 (OWASP's 600,000 iterations) with a random 16-byte salt:
/// <c>pbkdf2-sha256$ITERATIONS$SALT$HASH</c> (base64). The iterations are stored, so that they can rise later.
/// </summary>
public static class PasswordHash
{
    public const int Iterations = 600_000;
    public const int MinLength = 12;
    private const string Prefix = "pbkdf2-sha256";

    public static string Of(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, 32);
        return string.Create(CultureInfo.InvariantCulture, $"{Prefix}${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>Whether the password is the one hashed; in time that does not depend on where they differ.</summary>
    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Prefix || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations)) return false;
        var salt = Convert.FromBase64String(parts[2]);
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Why a new password is not good enough, or null.</summary>
    public static string? Weakness(string password) =>
        password.Length < MinLength ? $"A password has at least {MinLength} characters."
        : password.Length > 256 ? "A password has at most 256 characters."
        : null;
}
