using System.Text.Json;

namespace DigitalTwin.Server.Cases;

/// <summary>What the citizen is told by e-mail when their case is done, in the language they reported in.</summary>
internal static class CitizenMessages
{
    /// <summary>The message for an outbox row: a reply of the handler's, or word that the case is done.</summary>
    public static (string Subject, string Body) For(JsonElement payload) =>
        (payload.TryGetProperty("kind", out var kind) ? kind.GetString() : null) switch
        {
            "reply" => Reply(payload, question: false),
            "question" => Reply(payload, question: true),
            "received" => Received(payload),
            _ => Done(payload),
        };

    private static (string Subject, string Body) Reply(JsonElement payload, bool question)
    {
        var number = payload.GetProperty("service_request_id").GetString();
        var text = payload.GetProperty("status_notes").GetString();
        return (payload.TryGetProperty("language", out var l) ? l.GetString() : "en", question) switch
        {
            ("fi", false) => ($"Vastaus palautteeseesi {number}", $"{text}\n\nYstävällisin terveisin\nAsiakaspalvelu"),
            ("fi", true) => ($"Kysymys palautteestasi {number}",
                $"{text}\n\nVastaa tähän viestiin tai soita asiakaspalveluun ja kerro palautteen numero {number}.\n\nYstävällisin terveisin\nAsiakaspalvelu"),
            ("sv", false) => ($"Svar på ditt ärende {number}", $"{text}\n\nVänliga hälsningar\nKontaktcenter"),
            ("sv", true) => ($"En fråga om ditt ärende {number}",
                $"{text}\n\nSvara på detta meddelande eller ring kontaktcenter och uppge ärendenummer {number}.\n\nVänliga hälsningar\nKontaktcenter"),
            (_, false) => ($"Reply to your report {number}", $"{text}\n\nKind regards\nThe contact centre"),
            (_, true) => ($"A question about your report {number}",
                $"{text}\n\nReply to this message, or call the contact centre and give the number {number}.\n\nKind regards\nThe contact centre"),
        };
    }

    /// <summary>The acknowledgement of a report (Cases:Acknowledge): its number, and that they will hear when it is done.</summary>
    private static (string Subject, string Body) Received(JsonElement payload)
    {
        var number = payload.GetProperty("service_request_id").GetString();
        var service = payload.TryGetProperty("service_name", out var name) ? name.GetString() : payload.GetProperty("service_code").GetString();
        return (payload.TryGetProperty("language", out var l) ? l.GetString() : "en") switch
        {
            "fi" => ($"Palautteesi {number} on vastaanotettu",
                $"Hei,\n\nkiitos palautteestasi ({service}). Sen numero on {number}: kerro se, jos otat yhteyttä asiasta. Kerromme, kun asia on hoidettu.\n\nYstävällisin terveisin\nAsiakaspalvelu"),
            "sv" => ($"Ditt ärende {number} har tagits emot",
                $"Hej,\n\ntack för din anmälan ({service}). Ärendenumret är {number}: uppge det om du kontaktar oss om ärendet. Vi meddelar dig när det är åtgärdat.\n\nVänliga hälsningar\nKontaktcenter"),
            _ => ($"Your report {number} has been received",
                $"Hello,\n\nthank you for your report ({service}). Its number is {number}: give it if you contact us about it. We will let you know when it has been dealt with.\n\nKind regards\nThe contact centre"),
        };
    }

    private static (string Subject, string Body) Done(JsonElement payload)
    {
        var number = payload.GetProperty("service_request_id").GetString();
        var service = payload.TryGetProperty("service_name", out var name) ? name.GetString() : payload.GetProperty("service_code").GetString();
        var notes = payload.TryGetProperty("status_notes", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        return (payload.TryGetProperty("language", out var l) ? l.GetString() : "en") switch
        {
            "fi" => ($"Palautteesi {number} on käsitelty",
                $"Hei,\n\nkiitos palautteestasi ({service}, {number}). Asia on nyt hoidettu.{(notes is null ? "" : $"\n\n{notes}")}\n\nYstävällisin terveisin\nAsiakaspalvelu"),
            "sv" => ($"Ditt ärende {number} är åtgärdat",
                $"Hej,\n\ntack för din anmälan ({service}, {number}). Ärendet är nu åtgärdat.{(notes is null ? "" : $"\n\n{notes}")}\n\nVänliga hälsningar\nKontaktcenter"),
            _ => ($"Your report {number} has been dealt with",
                $"Hello,\n\nthank you for your report ({service}, {number}). It has now been dealt with.{(notes is null ? "" : $"\n\n{notes}")}\n\nKind regards\nThe contact centre"),
        };
    }
}
