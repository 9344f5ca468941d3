using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DigitalTwin.Server.Cases;
using Microsoft.Extensions.DependencyInjection;

namespace DigitalTwin.Server.Tests.Access;

/// <summary>
/// GIS staff load layers over HTTP (POST /layers/{name}/import), and only they (and admins): the same checks and
/// atomic replace as ./twin import, the report in the answer, the loader's name on the version and in the audit trail.
/// </summary>
public sealed class LayerImportEndpointTests(SampleCityServer server) : IClassFixture<SampleCityServer>
{
    private const string Good = """
        {"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"id":"N1","name":"Nybygget","address":"Götgatan 80","owner":"soderbostader"},
           "geometry":{"type":"Polygon","coordinates":[[[18.07670,59.30905],[18.07700,59.30905],[18.07700,59.30925],[18.07670,59.30925],[18.07670,59.30905]]]}},
          {"type":"Feature","properties":{"id":"N2","name":"Gården","owner":"soderbostader"},
           "geometry":{"type":"Polygon","coordinates":[[[18.07710,59.30905],[18.07740,59.30905],[18.07740,59.30925],[18.07710,59.30925],[18.07710,59.30905]]]}}]}
        """;

    // Feature 2 has no id, feature 3 a bow-tie polygon.
    private const string Bad = """
        {"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"id":"M1","name":"Ok"},"geometry":{"type":"Polygon","coordinates":[[[18.0767,59.3090],[18.0770,59.3090],[18.0770,59.3092],[18.0767,59.3090]]]}},
          {"type":"Feature","properties":{"name":"No id"},"geometry":{"type":"Polygon","coordinates":[[[18.0767,59.3090],[18.0770,59.3090],[18.0770,59.3092],[18.0767,59.3090]]]}},
          {"type":"Feature","properties":{"id":"M3"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}}]}
        """;

    private async Task<HttpClient> ClientAsync(string? role)
    {
        var client = server.CreateClient();
        if (role is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
                await server.Services.GetRequiredService<ApiKeys>().CreateAsync($"import-{role}-{Guid.NewGuid():N}", role, role == "contractor" ? "klotterfritt" : null, null, CancellationToken.None));
        }
        return client;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> UploadAsync(HttpClient client, string layer, string geojson, string query = "kind=building")
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(geojson, Encoding.UTF8, "application/geo+json"), "file", "byggnader.geojson");
        using var response = await client.PostAsync($"/layers/{layer}/import?{query}", form);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task Gis_staff_load_a_layer_and_a_bad_file_leaves_it_serving()
    {
        using var gis = await ClientAsync("gis");
        var (status, body) = await UploadAsync(gis, "http-buildings", Good);
        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        body.GetProperty("committed").GetBoolean().ShouldBeTrue();
        body.GetProperty("version").GetInt32().ShouldBe(1);
        body.GetProperty("report").GetProperty("loaded").GetInt64().ShouldBe(2);
        (await server.Database.ScalarAsync<string>("SELECT loaded_by FROM layer_versions WHERE layer = 'http-buildings'")).ShouldStartWith("key:import-gis-");

        var (refused, report) = await UploadAsync(gis, "http-buildings", Bad);
        refused.ShouldBe(HttpStatusCode.UnprocessableEntity);
        report.GetProperty("committed").GetBoolean().ShouldBeFalse();
        var problems = report.GetProperty("report").GetProperty("problems").EnumerateArray().ToList();
        problems.ShouldContain(p => p.GetProperty("feature").GetInt64() == 2);
        problems.ShouldContain(p => p.GetProperty("feature").GetInt64() == 3);
        (await server.Database.ScalarAsync<int>("SELECT v.version FROM layers l JOIN layer_versions v ON v.id = l.current_version WHERE l.name = 'http-buildings'")).ShouldBe(1);
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM current_map_objects WHERE layer = 'http-buildings'")).ShouldBe(2);

        // A dry run reports and changes nothing.
        var (dry, dryBody) = await UploadAsync(gis, "http-buildings", Good.Replace("N1", "N9"), "kind=building&dryRun=true");
        dry.ShouldBe(HttpStatusCode.OK);
        dryBody.GetProperty("committed").GetBoolean().ShouldBeFalse();
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM layer_versions WHERE layer = 'http-buildings'")).ShouldBe(1);

        // The admin sees who loaded it in the audit trail.
        using var admin = await ClientAsync("admin");
        using var trail = await admin.PostAsync("/graphql", new StringContent("""{"query":"{ auditLog(subject: \"layer:http-buildings\") { actor action } }"}""", Encoding.UTF8, "application/json"));
        var entries = JsonDocument.Parse(await trail.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("auditLog");
        entries.EnumerateArray().Single().GetProperty("action").GetString().ShouldBe("layer-imported");
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("handler", HttpStatusCode.Forbidden)]
    [InlineData("integration", HttpStatusCode.Forbidden)]
    [InlineData("contractor", HttpStatusCode.Forbidden)]
    [InlineData("citizen-app", HttpStatusCode.Forbidden)]
    public async Task Nobody_else_loads_layers(string? role, HttpStatusCode expected)
    {
        using var client = await ClientAsync(role);
        var (status, problem) = await UploadAsync(client, $"not-{role ?? "anyone"}", Good);
        status.ShouldBe(expected);
        problem.GetProperty("code").GetString().ShouldBe(expected == HttpStatusCode.Unauthorized ? "UNAUTHENTICATED" : "FORBIDDEN");
        (await server.Database.ScalarAsync<long>($"SELECT count(*) FROM layers WHERE name = 'not-{role ?? "anyone"}'")).ShouldBe(0);
    }

    [Fact]
    public async Task Bad_requests_are_told_what_is_wrong()
    {
        using var gis = await ClientAsync("gis");
        var (badName, nameBody) = await UploadAsync(gis, "Bad Name", Good);
        badName.ShouldBe(HttpStatusCode.BadRequest);
        nameBody.GetProperty("code").GetString().ShouldBe("BAD_LAYER_NAME");
        foreach (var kind in new[] { "castle", "7" })
        {
            var (noKind, body) = await UploadAsync(gis, "http-x", Good, $"kind={kind}");
            noKind.ShouldBe(HttpStatusCode.BadRequest);
            body.GetProperty("code").GetString().ShouldBe("BAD_LAYER_KIND");
            body.GetProperty("detail").GetString()!.ShouldContain("kind");
        }
        var (badCrs, crsBody) = await UploadAsync(gis, "http-x", Good, "kind=building&crs=EPSG:999999");
        badCrs.ShouldBe(HttpStatusCode.BadRequest, crsBody.ToString());
        crsBody.GetProperty("code").GetString().ShouldBe("IMPORT_REFUSED");
        using var notMultipart = await gis.PostAsync("/layers/http-x/import?kind=building", new StringContent(Good, Encoding.UTF8, "application/json"));
        notMultipart.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        notMultipart.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        JsonDocument.Parse(await notMultipart.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString().ShouldBe("UNSUPPORTED_MEDIA_TYPE");
        using var noFile = new MultipartFormDataContent { { new StringContent("id,name"), "notes", "notes.txt" } };
        using var noData = await gis.PostAsync("/layers/http-x/import?kind=building", noFile);
        noData.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        JsonDocument.Parse(await noData.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString().ShouldBe("BAD_UPLOAD");
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM layers WHERE name = 'http-x'")).ShouldBe(0);
    }

    [Fact]
    public async Task Over_http_a_layer_is_filtered_narrowed_and_updated_by_source_id_as_on_the_command_line()
    {
        using var gis = await ClientAsync("gis");
        // where= keeps N1 only; select= keeps the mapped fields and drops the rest of the source attributes.
        var (status, body) = await UploadAsync(gis, "http-filtered", Good, "kind=building&where=" + Uri.EscapeDataString("name = 'Nybygget'") + "&select=id,name,owner");
        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        (await server.Database.ScalarAsync<string>("SELECT string_agg(source_id, ',') FROM current_map_objects WHERE layer = 'http-filtered'")).ShouldBe("N1");
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM current_map_objects WHERE layer = 'http-filtered' AND attributes::jsonb ? 'address'")).ShouldBe(0);

        // update=true changes N1 and keeps what the file does not name, as a new version.
        var renamed = Good.Replace("Nybygget", "Nybygget 2").Replace("N2", "N1-ignored");
        (status, body) = await UploadAsync(gis, "http-filtered", renamed, "kind=building&update=true&where=" + Uri.EscapeDataString("id = 'N1'"));
        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        (await server.Database.ScalarAsync<string>("SELECT name FROM current_map_objects WHERE layer = 'http-filtered' AND source_id = 'N1'")).ShouldBe("Nybygget 2");
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM layer_versions WHERE layer = 'http-filtered'")).ShouldBe(2);

        // A where= that does not parse is refused with the reason, and changes nothing.
        (status, body) = await UploadAsync(gis, "http-filtered", Good, "kind=building&where=" + Uri.EscapeDataString("name = 'x' OR; DROP TABLE layers"));
        ((int)status).ShouldBeInRange(400, 422, body.ToString());
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM layer_versions WHERE layer = 'http-filtered'")).ShouldBe(2);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("/vsicurl/http://example.org/x.gpkg")]
    [InlineData("ftp://example.org/layer.gml")]
    public async Task A_service_url_other_than_http_is_refused(string url)
    {
        using var gis = await ClientAsync("gis");
        using var response = await gis.PostAsync($"/layers/http-service/import?kind=area&url={Uri.EscapeDataString(url)}", null);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("IMPORT_REFUSED");
    }
}
