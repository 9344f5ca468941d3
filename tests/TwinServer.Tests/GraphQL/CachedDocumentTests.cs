using System.Text.Json;

namespace DigitalTwin.Server.Tests.GraphQL;

/// <summary>
/// A document asked before is neither parsed nor validated again (ValidatedDocumentCache): each request still binds its
/// own variables and its own arguments, at every depth, with the same errors as a document seen for the first time,
/// fragments and directives included.
/// </summary>
public sealed class CachedDocumentTests(SampleCityServer server) : IClassFixture<SampleCityServer>
{
    private const string Query = """
        query ($at: PointInput, $task: String!, $language: Language) {
          responsibility(at: $at, taskType: $task, on: "2026-11-24") { recipient { key name(language: $language) } recipientRole }
        }
        """;

    private static readonly object Pillar = new { x = 18.076363, y = 59.305782 };
    private static readonly object Street = new { x = 154350, y = 6577100, crs = "EPSG:3011" };

    private async Task<JsonElement> AskAsync(string query, object variables)
    {
        var (status, body) = await server.AskAsync(await server.IntegrationKeyAsync(), query, variables);
        status.ShouldBeOneOf([200, 400], body.ToString());
        return body;
    }

    private static string Recipient(JsonElement body) =>
        body.GetProperty("data").GetProperty("responsibility").GetProperty("recipient").GetProperty("key").GetString()!;

    private static string RecipientName(JsonElement body) =>
        body.GetProperty("data").GetProperty("responsibility").GetProperty("recipient").GetProperty("name").GetString()!;

    private static string FirstError(JsonElement body) => body.GetProperty("errors")[0].GetProperty("message").GetString()!;

    [Fact]
    public async Task Each_request_of_a_cached_document_binds_its_own_variables_at_every_depth()
    {
        var first = await AskAsync(Query, new { at = Pillar, task = "graffiti", language = "SV" });
        Recipient(first).ShouldBe("klotterfritt");
        RecipientName(first).ShouldBe("Klotterfritt Stockholm AB");
        // The same text again, now from the cache: another point, task and language, each bound anew.
        for (var i = 0; i < 3; i++)
        {
            var street = await AskAsync(Query, new { at = Street, task = "street-lighting", language = "EN" });
            Recipient(street).ShouldBe("ljusteknik-sthlm");
            var pillar = await AskAsync(Query, new { at = Pillar, task = "damage", language = "FI" });
            Recipient(pillar).ShouldBe("brounderhall-norden");
            var english = await AskAsync(Query, new { at = Pillar, task = "graffiti", language = "EN" });
            RecipientName(english).ShouldBe("Klotterfritt Stockholm AB (graffiti removal)");
        }
        // A nested argument given as a variable that is left out takes its default (no language: the server's own).
        var noLanguage = await AskAsync(Query, new { at = Pillar, task = "graffiti" });
        Recipient(noLanguage).ShouldBe("klotterfritt");
        noLanguage.TryGetProperty("errors", out _).ShouldBeFalse(noLanguage.ToString());
    }

    [Theory]
    [InlineData("""{ "at": { "x": "east", "y": 59.3 }, "task": "graffiti" }""")]
    [InlineData("""{ "at": { "x": 18.07, "y": 59.3 } }""")]
    [InlineData("""{ "at": { "x": 18.07, "y": 59.3 }, "task": "graffiti", "language": "KLINGON" }""")]
    public async Task Bad_variables_of_a_cached_document_are_refused_as_those_of_a_new_one(string variables)
    {
        // The text is cached by a good request; a second text, the same but for a space, is new to the server.
        var cached = Query + " ";
        Recipient(await AskAsync(cached, new { at = Pillar, task = "graffiti" })).ShouldBe("klotterfritt");
        var values = JsonDocument.Parse(variables).RootElement;
        var fromCache = await AskAsync(cached, values);
        var fresh = await AskAsync(Query + "  # new " + Guid.NewGuid().ToString("N"), values);
        fromCache.TryGetProperty("data", out var data).ShouldBe(fresh.TryGetProperty("data", out _));
        FirstError(fromCache).ShouldBe(FirstError(fresh));
        if (data.ValueKind == JsonValueKind.Object) data.GetProperty("responsibility").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task Documents_with_fragments_or_directives_answer_each_request_as_asked()
    {
        const string withFragment = """
            query ($at: PointInput, $task: String!, $role: Boolean!) {
              responsibility(at: $at, taskType: $task, on: "2026-11-24") { ...Who recipientRole @include(if: $role) }
            }
            fragment Who on Responsibility { recipient { key } }
            """;
        for (var i = 0; i < 2; i++)
        {
            var shown = await AskAsync(withFragment, new { at = Pillar, task = "graffiti", role = true });
            Recipient(shown).ShouldBe("klotterfritt");
            shown.GetProperty("data").GetProperty("responsibility").GetProperty("recipientRole").GetString().ShouldBe("SUBCONTRACTOR");
            var hidden = await AskAsync(withFragment, new { at = Street, task = "pothole", role = false });
            Recipient(hidden).ShouldBe("gatudrift-soder");
            hidden.GetProperty("data").GetProperty("responsibility").TryGetProperty("recipientRole", out _).ShouldBeFalse();
        }
    }
}
