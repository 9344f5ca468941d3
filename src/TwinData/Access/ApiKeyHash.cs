using System.Security.Cryptography;
using System.Text;

namespace DigitalTwin.Data.Access;

/// <summary>How systems' keys are made and kept: random, shown once, and stored only as their SHA-256.</summary>
public static class ApiKeyHash
{
    /// <summary>A new key: "twin_" and 32 URL-safe random characters (192 bits).</summary>
    public static string NewKey() =>
        "twin_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    public static byte[] Of(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
