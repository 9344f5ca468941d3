using System.Net;
using DigitalTwin.Server.Cases;
using DigitalTwin.Server.Errors;
using Microsoft.Extensions.DependencyInjection;

namespace DigitalTwin.Server.Tests.Cases;

/// <summary>
/// Photos attached to a case: checked by their own bytes, kept in the database, and served under the case's access
/// rules (handlers and admins; a contractor only for the cases sent to it; nobody else).
/// </summary>
public sealed class PhotoTests(CaseCityServer server) : IClassFixture<CaseCityServer>
{
    /// <summary>A 1×1 PNG.</summary>
    internal static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    private CaseStore Cases => server.Services.GetRequiredService<CaseStore>();

    private static readonly Actor Handler = new("user:test.photo");

    private async Task<CaseCreated> CaseAsync() => await Cases.CreateAsync(new NewCase("graffiti", 18.076363, 59.305782, "Tags", null, null, null, null, null, null,
        "en", "phone", null), Handler, CancellationToken.None);

    private async Task<HttpResponseMessage> GetAsync(string url, string? key)
    {
        using var client = server.CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return await client.GetAsync(url);
    }

    [Fact]
    public async Task A_photo_is_served_to_handlers_and_to_the_cases_own_contractor_only()
    {
        var made = await CaseAsync();
        var photo = await Cases.AttachPhotoAsync(made.Id, "pillar.png", Png, Handler, CancellationToken.None);
        (await Cases.AttachPhotoAsync(made.Id, "again.png", Png, Handler, CancellationToken.None)).Id.ShouldBe(photo.Id); // the same photo twice is one
        await Cases.ForwardAsync(made.Id, new ForwardRequest(null), Handler, CancellationToken.None);
        var recipient = (await Cases.GetAsync(made.Id, CancellationToken.None))!.Assignee!;

        using (var asHandler = await GetAsync(photo.Url, await server.KeyAsync("handler")))
        {
            asHandler.StatusCode.ShouldBe(HttpStatusCode.OK);
            asHandler.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
            asHandler.Headers.GetValues("X-Content-Type-Options").ShouldContain("nosniff");
            (await asHandler.Content.ReadAsByteArrayAsync()).ShouldBe(Png);
        }
        using (var asRecipient = await GetAsync(photo.Url, await server.KeyAsync("contractor", recipient)))
            asRecipient.StatusCode.ShouldBe(HttpStatusCode.OK);
        using (var asOther = await GetAsync(photo.Url, await server.KeyAsync("contractor", "trafikkontoret")))
            asOther.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using (var asIntegration = await GetAsync(photo.Url, await server.KeyAsync("integration")))
            asIntegration.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using (var anonymous = await GetAsync(photo.Url, null))
            anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using (var elsewhere = await GetAsync($"/media/cases/{made.ServiceRequestId}/{photo.Id + 1000}", await server.KeyAsync("handler")))
            elsewhere.StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // The contractor finds it through GraphQL too, with the case.
        var (_, body) = await server.AskAsync(await server.KeyAsync("contractor", recipient), $$"""{ case(id: "{{made.ServiceRequestId}}") { photos { url contentType } } }""");
        body.GetProperty("data").GetProperty("case").GetProperty("photos")[0].GetProperty("url").GetString().ShouldBe(photo.Url);
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM case_events WHERE case_id = $1 AND kind = 'photo-added'", made.Id)).ShouldBe(1);
    }

    [Theory]
    [InlineData("notes.jpg", "not a JPEG, PNG or WebP")]
    [InlineData("huge.png", "at most")]
    [InlineData("", "file name")]
    public async Task What_is_not_a_photo_is_refused_with_a_reason(string name, string said)
    {
        var made = await CaseAsync();
        var bytes = name switch
        {
            "notes.jpg" => "<html><script>alert(1)</script></html>"u8.ToArray(),
            "huge.png" => [.. Png, .. new byte[CaseStore.MaxPhotoBytes]],
            _ => Png,
        };
        var refused = await Should.ThrowAsync<TwinException>(() => Cases.AttachPhotoAsync(made.Id, name, bytes, Handler, CancellationToken.None));
        refused.Message.ShouldContain(said);
        (await Cases.PhotosAsync(made.Id, CancellationToken.None)).ShouldBeEmpty();
    }
}
