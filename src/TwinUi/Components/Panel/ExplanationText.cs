using System.Globalization;
using DigitalTwin.Ui.Backend;
using DigitalTwin.Ui.Localization;

namespace DigitalTwin.Ui.Components.Panel;

/// <summary>
/// An explanation said in the page's language: each line from its key (<c>why.KEY</c> in the texts) and its values,
/// with organisations and task types by their names, kinds of objects in words, dates and metres as the language
/// writes them. A key the texts do not know yet is said in English, as the server wrote it.
/// </summary>
public static class ExplanationText
{
    public static IReadOnlyList<string> Say(IReadOnlyList<UiExplanationLine> lines, IReadOnlyList<string> english, Texts t,
        Func<string?, string> organisation, Func<string, string> task)
    {
        if (lines.Count != english.Count) return english; // stored before the lines were: the English it was stored with
        return [.. lines.Select((line, i) => t["why." + line.Key] is var template && template != "why." + line.Key
            ? Fill(template, Values(line.Values, t, organisation, task))
            : english[i])];
    }

    private static Dictionary<string, string> Values(IReadOnlyDictionary<string, string> values, Texts t, Func<string?, string> organisation, Func<string, string> task)
    {
        var said = new Dictionary<string, string>(values, StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            said[name] = name switch
            {
                "owner" or "manager" or "contractor" or "subcontractor" or "recipient" => organisation(value),
                "task" => task(value),
                "kind" => t["kind." + value],
                "type" => t.TypeName(value),
                "date" or "from" or "to" when DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) =>
                    t.Date(date),
                "metres" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var metres) => t.Number(metres, metres % 1 == 0 ? 0 : 1),
                _ => value,
            };
        }
        // An object in the language's words: its id, its kind, its type and its name.
        if (values.TryGetValue("id", out var id) && values.TryGetValue("kind", out var kind))
        {
            var type = values.GetValueOrDefault("type") is { Length: > 0 } code && code != "–" ? t.TypeName(code) : null;
            var parts = new[] { t["kind." + kind], type, values.GetValueOrDefault("name") }.Where(p => p is { Length: > 0 } && p != "–");
            said["object"] = $"{id} ({string.Join(", ", parts)})";
        }
        return said;
    }

    private static string Fill(string template, Dictionary<string, string> values)
    {
        foreach (var (name, value) in values) template = template.Replace("{" + name + "}", value, StringComparison.Ordinal);
        return template;
    }
}
