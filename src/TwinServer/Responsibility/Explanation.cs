using System.Globalization;
using System.Text.RegularExpressions;

namespace DigitalTwin.Server.Responsibility;

/// <summary>
/// One line of an explanation, as data: what it says (its key, e.g. <c>manager.area</c>) and the values it says it
/// with (organisation keys, object ids, task types, dates as yyyy-MM-dd, metres). The map says it in the handler's
/// language from these; GraphQL and the stored suggestion keep the English sentence too.
/// </summary>
public sealed record ExplanationLine(string Key, IReadOnlyDictionary<string, string> Values);

/// <summary>
/// The explanation of an answer (product contract 3.8): its English lines, as GraphQL has always given them, and
/// the same lines as keys and values (<see cref="Lines"/>), so that each client says them in its own language. The
/// English is written when it is first read: most look-ups (a city system asking for the recipient) never ask for it.
/// </summary>
public sealed partial class Explanation : IReadOnlyList<string>
{
    /// <summary>The English of each key; {name} is a value. A key is added here and in the map's texts, in three languages.</summary>
    internal static readonly IReadOnlyDictionary<string, string> English = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["layers.later"] = "Layers first loaded after {date} answer from their first version: {layers}.",
        ["target.asked"] = "Target: {object}, as asked.",
        ["target.specific"] = "Target: {object}, the most specific object at the point ({metres} m away).",
        ["target.none"] = "Target: nothing here; no parcel, building or asset within the tolerance.",
        ["target.ground"] = "Target: {object}; open ground, so the parcel at the point.",
        ["landOwner.none"] = "Land owner: no parcel at the point.",
        ["landOwner.parcel"] = "Land owner: {owner}, owner of parcel {parcel}.",
        ["landOwner.unrecorded"] = "Land owner: not recorded, owner of parcel {parcel}.",
        ["owner.parcel"] = "Owner: {owner} (the parcel's owner).",
        ["owner.parcel.unrecorded"] = "Owner: not recorded (the parcel's owner).",
        ["owner.object"] = "Owner: {owner}, owner of {id}.",
        ["owner.object.unrecorded"] = "Owner: not recorded, owner of {id}.",
        ["manager.object"] = "Manager: {manager}, manager of {id}.",
        ["manager.building"] = "Manager: {manager}; a building is kept up by its owner.",
        ["manager.area"] = "Manager: {manager}, from management area {area}, which covers {task}.",
        ["manager.landOwner"] = "Manager: {manager}, the land owner (fallback: no manager recorded for the object and no management area for {task} here).",
        ["manager.none"] = "Manager: none found.",
        ["contract.ended"] = "Contract {contract} ({contractor}) ended on {date}.",
        ["contract.starts"] = "Contract {contract} ({contractor}) starts on {date}.",
        ["contract.none"] = "Contract: none of {manager}'s contracts covers {task} here on {date}.",
        ["contract.listed"] = "Contract: {contract}, commissioned by {manager} from {contractor}, valid {from}–{to}; names the target.",
        ["contract.covers"] = "Contract: {contract}, commissioned by {manager} from {contractor}, valid {from}–{to}; its area covers the point.",
        ["conflict"] = "Conflict: {count} contracts of {manager} for {task} apply here on {date} ({contracts}); contract areas for one task should not overlap.",
        ["subcontract.elsewhere"] = "Subcontract {subcontract} ({subcontractor}) does not cover the point.",
        ["subcontract.none"] = "Subcontract: none under {contract} for {task} here.",
        ["subcontract.chosen"] = "Subcontract: {subcontract}, {subcontractor} for {task}.",
        ["recipient.conflict"] = "Recipient: {recipient}, the manager, who commissioned the competing contracts.",
        ["recipient.subcontractor"] = "Recipient: {recipient}, the subcontractor.",
        ["recipient.contractor"] = "Recipient: {recipient}, the contractor.",
        ["recipient.manager"] = "Recipient: {recipient}, the manager (fallback: no contract for the task).",
        ["recipient.owner"] = "Recipient: {recipient}, the owner (fallback: no manager).",
        ["recipient.landOwner"] = "Recipient: {recipient}, the land owner (fallback).",
        ["recipient.default"] = "Recipient: {recipient}, the default contact (fallback: nobody is responsible here).",
        ["recipient.nobody"] = "Recipient: nobody: no one is responsible here and no default contact is configured.",
    };

    private readonly List<ExplanationLine> lines = [];
    private string[]? english;

    /// <summary>The lines as keys and values, in order.</summary>
    public IReadOnlyList<ExplanationLine> Lines => lines;

    /// <summary>Says one line: its key and values.</summary>
    public void Say(string key, params (string Name, object? Value)[] values)
    {
        if (!English.ContainsKey(key)) throw new ArgumentException($"No English for the explanation's key '{key}'.", nameof(key));
        lines.Add(new ExplanationLine(key, values.ToDictionary(v => v.Name, v => Text(v.Value), StringComparer.Ordinal)));
        english = null;
    }

    /// <summary>The English lines, written once for the lines said so far (an answer is read by one request).</summary>
    private string[] Sentences => english ??= [.. lines.Select(l => Fill(English[l.Key], l.Values))];

    public int Count => lines.Count;

    public string this[int index] => Sentences[index];

    public IEnumerator<string> GetEnumerator() => ((IEnumerable<string>)Sentences).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A template with its {name}s filled in; a name without a value stays as it is written.</summary>
    public static string Fill(string template, IReadOnlyDictionary<string, string> values) =>
        Placeholder().Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);

    private static string Text(object? value) => value switch
    {
        null => "–",
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        double number => number.ToString("0.#", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "–",
    };

    [GeneratedRegex(@"\{([A-Za-z]+)\}")]
    private static partial Regex Placeholder();
}
