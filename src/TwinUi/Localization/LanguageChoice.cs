using Microsoft.Net.Http.Headers;

namespace DigitalTwin.Ui.Localization;

/// <summary>
/// Which of fi, sv and en a page opens in: the one asked for in the address (<c>?lang=</c>), else the one the person
/// chose last (remembered on the server per person, and in a cookie for the page shell), else the browser's
/// Accept-Language, else the city's default.
/// </summary>
public static class LanguageChoice
{
    /// <summary>The cookie the pages write when a person picks a language, so that the shell's <c>&lt;html lang&gt;</c> agrees before sign-in is read.</summary>
    public const string Cookie = "twin.lang";

    public static string Choose(string? asked, string? remembered, string? acceptLanguage, string fallback) =>
        Known(asked) ?? Known(remembered) ?? FromAcceptLanguage(acceptLanguage) ?? Known(fallback) ?? "en";

    /// <summary>The first of fi, sv, en in an Accept-Language header, by its quality; null when none is there.</summary>
    public static string? FromAcceptLanguage(string? header)
    {
        if (string.IsNullOrWhiteSpace(header) || !StringWithQualityHeaderValue.TryParseList(header.Split(','), out var values)) return null;
        return values.OrderByDescending(v => v.Quality ?? 1)
            .Select(v => Known(v.Value.Value?.Split('-')[0]))
            .FirstOrDefault(code => code is not null);
    }

    private static string? Known(string? code) =>
        code?.Trim().ToLowerInvariant() is { } lower && Texts.Languages.Any(l => l.Code == lower) ? lower : null;
}
