using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using DigitalTwin.Data.Access;
using DigitalTwin.Server.Errors;
using DigitalTwin.Server.MapUi;
using DigitalTwin.Ui.Backend;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace DigitalTwin.Server.Tests.Cases;

/// <summary>
/// One case, three doors: the same edge case posted through Open311 (a citizen app's form), GraphQL's createCase (a
/// handler's tool) and the map's new-case form (MapBackend, as the page calls it) gets the same outcome in each: the
/// same refusal code, with the HTTP status the code is documented with, and nothing stored; or a case taken in.
/// </summary>
public sealed class IntakeParityTests(SampleCityServer server) : IClassFixture<SampleCityServer>
{
    /// <summary>What a door answered: a refusal's code, or <see cref="Taken"/>.</summary>
    private const string Taken = "TAKEN";

    // The bridge pillar of the sample's story, and its id.
    private const double PillarLon = 18.076363, PillarLat = 59.305782;
    private const string PillarId = "sthlm-assets:TK-BRO-0417-S1";

    /// <summary>A case as every door can carry it; each test changes one thing.</summary>
    private sealed record Intake(string Category = "graffiti", double Lon = PillarLon, double Lat = PillarLat, string? Description = "Tags on the pillar",
        string? Address = null, string? Email = null, string? Phone = null, string? Name = null, string? ObjectId = null, string? Key = null);

    public static TheoryData<string, string> EdgeCases => new()
    {
        { "a description of 10,001 characters", ErrorCodes.BadInput },
        { "an address of 501 characters", ErrorCodes.BadInput },
        { "a phone number of 51 characters", ErrorCodes.BadInput },
        { "a name of 201 characters", ErrorCodes.BadInput },
        { "no category", ErrorCodes.BadInput },
        { "an object that is not on the map", ErrorCodes.UnknownObject },
        { "an object id of 301 characters", ErrorCodes.UnknownObject },
        { "a service that does not exist", ErrorCodes.UnknownService },
        { "an e-mail address with two @", ErrorCodes.BadEmail },
        { "an e-mail address of 255 characters", ErrorCodes.BadEmail },
        { "a control character in the description", ErrorCodes.BadText },
        { "a NUL in the address", ErrorCodes.BadText },
        { "a latitude of 95", ErrorCodes.BadPoint },
        { "a longitude of 181", ErrorCodes.BadPoint },
        { "the antipode of the map projection's centre", ErrorCodes.BadPlace },
        { "a client key of 201 characters", ErrorCodes.BadIdempotencyKey },
        { "a point far outside the city", Taken },
        { "the object the handler clicked", Taken },
    };

    private static Intake Case(string edge) => edge switch
    {
        "a description of 10,001 characters" => new(Description: new string('x', 10_001)),
        "an address of 501 characters" => new(Address: new string('x', 501)),
        "a phone number of 51 characters" => new(Phone: new string('1', 51)),
        "a name of 201 characters" => new(Name: new string('x', 201)),
        "no category" => new(Category: " "),
        "an object that is not on the map" => new(ObjectId: "sthlm-assets:NO-SUCH-THING"),
        "an object id of 301 characters" => new(ObjectId: "sthlm-assets:" + new string('x', 288)),
        "a service that does not exist" => new(Category: "fireworks"),
        "an e-mail address with two @" => new(Email: "a@b@example.org"),
        "an e-mail address of 255 characters" => new(Email: new string('a', 243) + "@example.org"),
        "a control character in the description" => new(Description: "Tags\u0001 on the pillar"),
        "a NUL in the address" => new(Address: "Gotgatan\0 1"),
        "a latitude of 95" => new(Lat: 95),
        "a longitude of 181" => new(Lon: 181),
        "the antipode of the map projection's centre" => new(Lon: -170, Lat: -52),
        "a client key of 201 characters" => new(Key: new string('k', 201)),
        "a point far outside the city" => new(Lon: 25.47, Lat: 65.01),
        "the object the handler clicked" => new(ObjectId: PillarId),
        _ => throw new ArgumentOutOfRangeException(nameof(edge)),
    };

    [Theory]
    [MemberData(nameof(EdgeCases))]
    public async Task The_same_case_gets_the_same_answer_through_open311_graphql_and_the_map(string edge, string expected)
    {
        var intake = Case(edge);
        var before = await CountAsync();
        var answers = new Dictionary<string, string>
        {
            ["open311"] = await Open311Async(intake),
            ["graphql"] = await GraphQLAsync(intake),
            ["map"] = await MapAsync(intake),
        };
        answers.ShouldAllBe(a => a.Value == expected, string.Join(", ", answers.Select(a => $"{a.Key}: {a.Value}")));
        (await CountAsync()).ShouldBe(before + (expected == Taken ? 3 : 0));
    }

    [Fact]
    public async Task A_case_outside_the_city_is_routed_alike_through_every_door()
    {
        var intake = Case("a point far outside the city") with { Description = $"Outside {Guid.NewGuid():N}" };
        await Open311Async(intake);
        await GraphQLAsync(intake);
        await MapAsync(intake);
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases WHERE description = $1", intake.Description!)).ShouldBe(3);
        (await server.Database.ScalarAsync<long>(
            "SELECT count(DISTINCT (suggested_to, suggested_role, object_id, suggestion->'explanation')) FROM cases WHERE description = $1", intake.Description!)).ShouldBe(1);
    }

    private Task<long> CountAsync() => server.Database.ScalarAsync<long>("SELECT count(*) FROM cases");

    /// <summary>A citizen app's post: its code from the error's Twin-Error-Code header, its status as the code's.</summary>
    private async Task<string> Open311Async(Intake intake)
    {
        var key = await server.KeyAsync("citizen-app");
        var form = new List<KeyValuePair<string, string>>
        {
            new("api_key", key), new("service_code", intake.Category), new("lat", intake.Lat.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
            new("long", intake.Lon.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
        };
        void Add(string name, string? value)
        {
            if (value is not null) form.Add(new(name, value));
        }
        Add("description", intake.Description);
        Add("address_string", intake.Address);
        Add("email", intake.Email);
        Add("phone", intake.Phone);
        Add("first_name", intake.Name);
        Add("service_object_id", intake.ObjectId);
        using var client = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/open311/v2/requests.json") { Content = new FormUrlEncodedContent(form) };
        if (intake.Key is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", intake.Key);
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (response.IsSuccessStatusCode) return Taken;
        var code = response.Headers.GetValues("Twin-Error-Code").Single();
        ((int)response.StatusCode).ShouldBe(ErrorCodes.StatusOf(code), body);
        JsonDocument.Parse(body).RootElement.EnumerateArray().ShouldHaveSingleItem().GetProperty("description").GetString().ShouldNotBeNullOrEmpty();
        return code;
    }

    /// <summary>A handler's tool: createCase with a key, its code from extensions.code.</summary>
    private async Task<string> GraphQLAsync(Intake intake)
    {
        var handler = await server.KeyAsync("handler");
        var input = new Dictionary<string, object?>
        {
            ["category"] = intake.Category, ["at"] = new { x = intake.Lon, y = intake.Lat }, ["channel"] = "PHONE", ["description"] = intake.Description,
            ["address"] = intake.Address, ["objectId"] = intake.ObjectId, ["clientKey"] = intake.Key,
            ["reporter"] = new { email = intake.Email, phone = intake.Phone, firstName = intake.Name },
        };
        using var client = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent(JsonSerializer.Serialize(new
            {
                query = "mutation($input: CreateCaseInput!) { createCase(input: $input) { created } }",
                variables = new { input },
            }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", handler);
        using var response = await client.SendAsync(request);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        if (!body.TryGetProperty("errors", out var errors)) return Taken;
        return errors.EnumerateArray().ShouldHaveSingleItem().GetProperty("extensions").GetProperty("code").GetString()!;
    }

    /// <summary>The map's new-case form, as the page calls its backend for a signed-in handler: its code from the UiException.</summary>
    private async Task<string> MapAsync(Intake intake)
    {
        using var scope = server.Services.CreateScope();
        var handler = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, $"user:parity-{Guid.NewGuid():N}"), new Claim(ClaimTypes.Role, TwinRoles.Handler)], "test", ClaimTypes.Name, ClaimTypes.Role));
        var backend = ActivatorUtilities.CreateInstance<MapBackend>(scope.ServiceProvider, new SignedIn(handler));
        try
        {
            await backend.CreateCaseAsync(new UiNewCase(intake.Category, intake.Lon, intake.Lat, intake.ObjectId, intake.Description, intake.Address, "phone", "en",
                intake.Name, intake.Email, intake.Phone, null, intake.Key ?? Guid.NewGuid().ToString("N")), CancellationToken.None);
            return Taken;
        }
        catch (UiException e)
        {
            e.Message.ShouldNotBeNullOrEmpty();
            return e.Code;
        }
    }

    private sealed class SignedIn(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }
}
