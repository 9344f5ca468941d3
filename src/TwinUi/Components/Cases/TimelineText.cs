using System.Globalization;
using System.Text.Json;
using DigitalTwin.Ui.Backend;

namespace DigitalTwin.Ui.Components.Cases;

/// <summary>
/// An event of a case's history in the handler's words: a headline (what happened, to whom) and the lines that go
/// with it (the note, the reason, the error, the explanation), from the event's data as the server stored it.
/// </summary>
public static class TimelineText
{
    public static (string Headline, IReadOnlyList<string> Lines) Describe(UiCaseEvent e, DeskContext desk)
    {
        var t = desk.T;
        JsonElement data;
        try
        {
            using var document = JsonDocument.Parse(e.Data);
            data = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return (e.Kind, [e.Data]);
        }
        string? Text(string name) => data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var v)
            ? v.ValueKind switch { JsonValueKind.String => v.GetString(), JsonValueKind.Null or JsonValueKind.Undefined => null, _ => v.GetRawText() }
            : null;
        string Recipient(string? key) => key == "citizen" ? t["theCitizen"] : desk.Organisation(key);
        string Channel(string? channel) => channel is null ? "–" : t["channel." + channel];
        var lines = new List<string>();
        void Line(string label, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value)) lines.Add($"{label}: {value}");
        }

        string headline;
        switch (e.Kind)
        {
            case "received":
                headline = t.Format("event.received", t["caseChannel." + (Text("channel") ?? "other")]);
                break;
            case "suggested":
                headline = t.Format("event.suggested", desk.Organisation(Text("recipient")));
                if (Text("role") is { } role) lines.Add(t["roleOf." + role]);
                Line(t["target"], Text("target"));
                break;
            case "forwarded":
                headline = t.Format("event.forwarded", desk.Organisation(Text("recipient")), Channel(Text("channel")));
                Line(t["noteLabel"], Text("note"));
                Line(t["reasonLabel"], Text("reason"));
                if (Text("replaces") is { } replaced) lines.Add(t.Format("replaces", desk.Organisation(replaced)));
                if (Text("suggested") is { } suggested && suggested != Text("recipient")) lines.Add(t.Format("suggestedWas", desk.Organisation(suggested)));
                break;
            case "delivered":
                headline = t.Format("event.delivered", Recipient(Text("recipient")), Text("attempts"));
                break;
            case "delivery-failed":
                headline = t.Format("event.delivery-failed", Recipient(Text("recipient")), Text("attempts"), Text("error"));
                if (data.TryGetProperty("next_attempt_in_seconds", out var wait) && wait.ValueKind == JsonValueKind.Number)
                    lines.Add(t.Format("nextTryIn", wait.GetDouble().ToString("0.#", CultureInfo.InvariantCulture)));
                break;
            case "dead-letter":
                headline = t.Format("event.dead-letter", Recipient(Text("recipient")), Text("attempts"), Text("error"));
                break;
            case "delivery-retried":
                headline = t["event.delivery-retried"];
                if (data.TryGetProperty("deliveries", out var retried) && retried.ValueKind == JsonValueKind.Array)
                {
                    foreach (var d in retried.EnumerateArray())
                    {
                        var error = d.TryGetProperty("last_error", out var last) && last.ValueKind == JsonValueKind.String ? $": {last.GetString()}" : "";
                        lines.Add($"{Recipient(d.TryGetProperty("recipient", out var r) ? r.GetString() : null)}{error}");
                    }
                }
                break;
            case "status":
                headline = t.Format("event.status", Status(t, Text("from")), Status(t, Text("to")));
                Line(t["noteLabel"], Text("note"));
                break;
            case "rejected":
                headline = t.Format("event.rejected", desk.Organisation(Text("by")));
                Line(t["reasonLabel"], Text("reason"));
                break;
            case "replied":
                headline = t["event.replied"] + (Text("emailed") == "true" ? $" ({t["byEmail"]})" : "");
                if (Text("text") is { } reply) lines.Add(reply);
                break;
            case "asked-citizen":
                headline = t["event.asked-citizen"] + (Text("emailed") == "true" ? $" ({t["byEmail"]})" : "");
                if (Text("question") is { } question) lines.Add(question);
                break;
            case "moved":
                headline = t.Format("event.moved", desk.Organisation(Text("recipient")));
                Line(t["target"], Text("target"));
                break;
            case "rerouted":
                headline = t.Format("event.rerouted", desk.Organisation(Nested(data, "recipient", "to")));
                Line(t["reasonLabel"], Text("reason"));
                if (Nested(data, "category", "from") is { } fromCategory)
                    lines.Add(t.Format("categoryChange", desk.TaskName(fromCategory), desk.TaskName(Nested(data, "category", "to") ?? "?")));
                if (Text("place") is not null) lines.Add(t["placeChange"]);
                if (Nested(data, "object", "to") is { } toObject && toObject != Nested(data, "object", "from")) lines.Add(t.Format("objectChange", toObject));
                if (data.TryGetProperty("explanation", out var explanation) && explanation.ValueKind == JsonValueKind.Array)
                {
                    // Said in the desk's language from the stored keys and values; an event stored before them, as it was written.
                    List<string> english = [.. explanation.EnumerateArray().Where(l => l.ValueKind == JsonValueKind.String).Select(l => l.GetString()!)];
                    List<UiExplanationLine> keyed = data.TryGetProperty("lines", out var stored) && stored.ValueKind == JsonValueKind.Array
                        ? [.. stored.EnumerateArray().Where(l => l.ValueKind == JsonValueKind.Object && l.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String)
                            .Select(l => new UiExplanationLine(l.GetProperty("key").GetString()!,
                                l.TryGetProperty("values", out var v) && v.ValueKind == JsonValueKind.Object
                                    ? v.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal)
                                    : new Dictionary<string, string>(StringComparer.Ordinal)))]
                        : [];
                    lines.AddRange(Panel.ExplanationText.Say(keyed, english, t, desk.Organisation, desk.TaskName).Select(l => "· " + l));
                }
                break;
            case "closed":
                headline = t.Format("event.closed", Text("resolution") is { } resolution ? t["resolution." + resolution] : "–");
                Line(t["answer"], Text("answer"));
                Line(t["duplicateOf"], Text("duplicate_of"));
                break;
            case "reopened":
                headline = t["event.reopened"];
                Line(t["reasonLabel"], Text("reason"));
                break;
            case "merged":
                headline = t.Format("event.merged", Text("duplicate"));
                break;
            case "unmerged":
                headline = t["event.unmerged"];
                lines.Add(Text("original") ?? Text("duplicate") ?? "");
                break;
            case "original-done":
                headline = t.Format("event.original-done", Text("original")) + (Text("emailed") == "true" ? $" ({t["byEmail"]})" : "");
                if (Text("note") is { } doneNote) lines.Add(doneNote);
                break;
            case "photo-added":
                headline = t.Format("event.photo-added", Text("file_name"));
                break;
            case "note":
                headline = t["event.note"];
                if (Text("text") is { } note) lines.Add(note);
                break;
            case "handler":
                headline = t.Format("event.handler", Text("from") ?? t["inbox.nobody"], Text("to") ?? t["inbox.nobody"]);
                break;
            default:
                headline = e.Kind;
                lines.Add(e.Data);
                break;
        }
        return (headline, lines);
    }

    private static string Status(Localization.Texts t, string? status) => status is null ? "–" : t["status." + status];

    private static string? Nested(JsonElement data, string outer, string inner) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(outer, out var o) && o.ValueKind == JsonValueKind.Object
        && o.TryGetProperty(inner, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
