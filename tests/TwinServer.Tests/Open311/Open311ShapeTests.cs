using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using DigitalTwin.Server.Cases;
using DigitalTwin.Server.Tests.Cases;
using Microsoft.Extensions.DependencyInjection;

namespace DigitalTwin.Server.Tests.Open311;

/// <summary>
/// Every Open311 answer has the shape of the specification's own examples (wiki.open311.org/GeoReport_v2 and
/// /Service_Discovery, copied below as published), in JSON and in XML, over real HTTP: the same root (a JSON object or
/// array; the same root element), the same keys or elements at every level, lists where the examples have lists.
/// Values are not compared: they are ours. The status updates' answer follows FixMyStreet's Open311 client, whose tests
/// (mysociety/fixmystreet, t/open311/post-service-request-updates.t) give the XML; the JSON is its Spark-convention mapping.
/// </summary>
public sealed class Open311ShapeTests(Open311City server) : IClassFixture<Open311City>
{
    // The published JSON writes codes with leading zeros as numbers ("service_code":001), which is not JSON: they are
    // quoted here. Nothing else is changed.
    private const string DiscoveryJson = """
        {
          "changeset":"2011-02-03 14:18",
          "contact":"You can email or call for assistance api@mycity.org +1 (555) 555-5555",
          "key_service":"You can request a key here: http://api.mycity.gov/api_key/request",
          "endpoints":[
            {
              "specification":"http://wiki.open311.org/GeoReport_v2",
              "url":"http://open311.mycity.gov/v2",
              "changeset":"2010-11-23 09:01",
              "type":"production",
              "formats":[
                "text/xml"
              ]
            }
          ]
        }
        """;

    private const string DiscoveryXml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <discovery>
            <changeset>2011-02-03 14:18</changeset>
            <contact>You can email or call for assistance api@mycity.org +1 (555) 555-5555</contact>
            <key_service>You can request a key here: http://api.mycity.gov/api_key/request</key_service>
            <endpoints>
                <endpoint>
                    <specification>http://wiki.open311.org/GeoReport_v2</specification>
                    <url>http://open311.mycity.gov/v2</url>
                    <changeset>2010-11-23 09:01</changeset>
                    <type>production</type>
                    <formats>
                        <format>text/xml</format>
                    </formats>
                </endpoint>
            </endpoints>
        </discovery>
        """;

    private const string ServicesJson = """
        [
          {
            "service_code":"001",
            "service_name":"Cans left out 24x7",
            "description":"Garbage or recycling cans that have been left out for more than 24 hours after collection. Violators will be cited.",
            "metadata":true,
            "type":"realtime",
            "keywords":"lorem, ipsum, dolor",
            "group":"sanitation"
          }
        ]
        """;

    private const string ServicesXml = """
        <?xml version="1.0" encoding="utf-8"?>
        <services>
            <service>
                <service_code>001</service_code>
                <service_name>Cans left out 24x7</service_name>
                <description>Garbage or recycling cans that have been left out for more than 24 hours after collection. Violators will be cited.</description>
                <metadata>true</metadata>
                <type>realtime</type>
                <keywords>lorem, ipsum, dolor</keywords>
                <group>sanitation</group>
            </service>
        </services>
        """;

    private const string ServiceDefinitionJson = """
        {
          "service_code":"DMV66",
          "attributes":[
            {
              "variable":true,
              "code":"WHISHETN",
              "datatype":"singlevaluelist",
              "required":true,
              "datatype_description":null,
              "order":1,
              "description":"What is the ticket/tag/DL number?",
              "values":[
                {
                  "key":123,
                  "name":"Ford"
                }
              ]
            }
          ]
        }
        """;

    private const string ServiceDefinitionXml = """
        <?xml version="1.0" encoding="utf-8"?>
        <service_definition>
            <service_code>DMV66</service_code>
            <attributes>
                <attribute>
                    <variable>true</variable>
                    <code>WHISHETN</code>
                    <datatype>singlevaluelist</datatype>
                    <required>true</required>
                    <datatype_description></datatype_description>
                    <order>1</order>
                    <description>What is the ticket/tag/DL number?</description>
                    <values>
                        <value>
                            <key>123</key>
                            <name>Ford</name>
                        </value>
                    </values>
                </attribute>
            </attributes>
        </service_definition>
        """;

    private const string PostAnswerJson = """
        [
          {
            "service_request_id":293944,
            "service_notice":"The City will inspect and require the responsible party to correct within 24 hours and/or issue a Correction Notice or Notice of Violation of the Public Works Code",
            "account_id":null
          }
        ]
        """;

    private const string PostAnswerXml = """
        <?xml version="1.0" encoding="utf-8"?>
        <service_requests>
            <request>
                <service_request_id>293944</service_request_id>
                <service_notice>
                    The City will inspect and require the responsible party to correct within 24 hours and/or issue a Correction Notice or Notice of Violation of the Public Works Code
                </service_notice>
                <account_id/>
            </request>
        </service_requests>
        """;

    private const string RequestsJson = """
        [
          {
            "service_request_id":638344,
            "status":"closed",
            "status_notes":"Duplicate request.",
            "service_name":"Sidewalk and Curb Issues",
            "service_code":"006",
            "description":null,
            "agency_responsible":null,
            "service_notice":null,
            "requested_datetime":"2010-04-14T06:37:38-08:00",
            "updated_datetime":"2010-04-14T06:37:38-08:00",
            "expected_datetime":"2010-04-15T06:37:38-08:00",
            "address":"8TH AVE and JUDAH ST",
            "address_id":545483,
            "zipcode":94122,
            "lat":37.762221815,
            "long":-122.4651145,
            "media_url":"http://city.gov.s3.amazonaws.com/requests/media/638344.jpg"
          }
        ]
        """;

    private const string RequestsXml = """
        <?xml version="1.0" encoding="utf-8"?>
        <service_requests>
            <request>
                <service_request_id>638344</service_request_id>
                <status>closed</status>
                <status_notes>Duplicate request.</status_notes>
                <service_name>Sidewalk and Curb Issues</service_name>
                <service_code>006</service_code>
                <description></description>
                <agency_responsible></agency_responsible>
                <service_notice></service_notice>
                <requested_datetime>2010-04-14T06:37:38-08:00</requested_datetime>
                <updated_datetime>2010-04-14T06:37:38-08:00</updated_datetime>
                <expected_datetime>2010-04-15T06:37:38-08:00</expected_datetime>
                <address>8TH AVE and JUDAH ST</address>
                <address_id>545483</address_id>
                <zipcode>94122</zipcode>
                <lat>37.762221815</lat>
                <long>-122.4651145</long>
                <media_url>http://city.gov.s3.amazonaws.com/requests/media/638344.jpg </media_url>
            </request>
        </service_requests>
        """;

    private const string ErrorJson = """
        [
          {
            "code":403,
            "description":"Invalid api_key received -- can't proceed with create_request."
          }
        ]
        """;

    private const string ErrorXml = """
        <?xml version="1.0" encoding="utf-8"?>
        <errors>
            <error>
                <code>403</code>
                <description>Invalid api_key received -- can't proceed with create_request.</description>
            </error>
        </errors>
        """;

    // FixMyStreet's fixture of a status update's answer, and its JSON by the Spark convention.
    private const string UpdateAnswerXml = """<?xml version="1.0" encoding="utf-8"?><service_request_updates><request_update><update_id>248</update_id></request_update></service_request_updates>""";

    private const string UpdateAnswerJson = """[{"update_id":"248"}]""";

    private const string PillarLat = "59.305782", PillarLon = "18.076363";

    [Fact]
    public async Task Discovery_is_one_object_as_the_service_discovery_specification_shows_it()
    {
        Shape(await GetAsync("/open311/v2/discovery.json"), DiscoveryJson);
        Shape(await GetAsync("/open311/v2/discovery.xml"), DiscoveryXml);
    }

    [Fact]
    public async Task Services_are_a_list_of_services_as_the_specification_shows_them()
    {
        Shape(await GetAsync("/open311/v2/services.json"), ServicesJson);
        Shape(await GetAsync("/open311/v2/services.xml"), ServicesXml);
    }

    [Fact]
    public async Task A_service_definition_is_one_object_with_its_attributes()
    {
        Shape(await GetAsync("/open311/v2/services/graffiti.json"), ServiceDefinitionJson);
        Shape(await GetAsync("/open311/v2/services/graffiti.xml"), ServiceDefinitionXml);
    }

    [Fact]
    public async Task A_posted_request_is_answered_as_the_specification_shows_it()
    {
        var key = await KeyAsync("citizen-app");
        Shape(await PostAsync("/open311/v2/requests.json", ("api_key", key), ("service_code", "graffiti"), ("lat", PillarLat), ("long", PillarLon)), PostAnswerJson);
        Shape(await PostAsync("/open311/v2/requests.xml", ("api_key", key), ("service_code", "graffiti"), ("lat", PillarLat), ("long", PillarLon)), PostAnswerXml);
    }

    [Fact]
    public async Task Requests_and_one_request_are_listed_as_the_specification_shows_them()
    {
        var id = await ReportAsync();
        Shape(await GetAsync("/open311/v2/requests.json"), RequestsJson);
        Shape(await GetAsync("/open311/v2/requests.xml"), RequestsXml);
        Shape(await GetAsync($"/open311/v2/requests/{id}.json"), RequestsJson);
        Shape(await GetAsync($"/open311/v2/requests/{id}.xml"), RequestsXml);
    }

    [Fact]
    public async Task An_error_has_the_specifications_error_body()
    {
        Shape(await PostAsync("/open311/v2/requests.json", ("api_key", "not-a-key"), ("service_code", "graffiti")), ErrorJson, HttpStatusCode.Forbidden);
        Shape(await PostAsync("/open311/v2/requests.xml", ("api_key", "not-a-key"), ("service_code", "graffiti")), ErrorXml, HttpStatusCode.Forbidden);
        Shape(await GetAsync("/open311/v2/services/no-such-service.json"), ErrorJson, HttpStatusCode.NotFound);
        Shape(await GetAsync("/open311/v2/requests.xml?start_date=yesterday"), ErrorXml, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_status_update_is_answered_as_fixmystreets_open311_client_reads_it()
    {
        var id = await ReportAsync();
        var cases = server.Services.GetRequiredService<CaseStore>();
        await cases.ForwardAsync((await cases.FindAsync(id, CancellationToken.None))!.Id, new ForwardRequest("klotterfritt"), new Actor("handler:test"), CancellationToken.None);
        var contractor = await KeyAsync("contractor", "klotterfritt");
        Shape(await PostAsync("/open311/v2/servicerequestupdates.json",
            ("api_key", contractor), ("service_request_id", id), ("update_id", $"{id}-1"), ("status", "IN_PROGRESS"), ("description", "On the way")), UpdateAnswerJson);
        Shape(await PostAsync("/open311/v2/servicerequestupdates.xml",
            ("api_key", contractor), ("service_request_id", id), ("update_id", $"{id}-2"), ("status", "FIXED"), ("description", "Removed")), UpdateAnswerXml);
    }

    private Task<string> KeyAsync(string role, string? organisation = null) =>
        server.Services.GetRequiredService<ApiKeys>().CreateAsync($"shape-{role}-{Guid.NewGuid():N}", role, organisation, null, CancellationToken.None);

    private async Task<string> ReportAsync()
    {
        var (_, _, body) = await PostAsync("/open311/v2/requests.json", ("api_key", await KeyAsync("citizen-app")), ("service_code", "graffiti"), ("lat", PillarLat), ("long", PillarLon));
        return JsonDocument.Parse(body).RootElement[0].GetProperty("service_request_id").GetString()!;
    }

    private async Task<(HttpStatusCode Status, string? ContentType, string Body)> GetAsync(string path)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var response = await http.GetAsync(path);
        return (response.StatusCode, response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsStringAsync());
    }

    private async Task<(HttpStatusCode Status, string? ContentType, string Body)> PostAsync(string path, params (string Name, string Value)[] fields)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var response = await http.PostAsync(path, new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))));
        return (response.StatusCode, response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsStringAsync());
    }

    /// <summary>The answer has the status, the specification's media type, and the specimen's shape.</summary>
    private static void Shape((HttpStatusCode Status, string? ContentType, string Body) answer, string specimen, HttpStatusCode status = HttpStatusCode.OK)
    {
        answer.Status.ShouldBe(status, answer.Body);
        if (specimen.TrimStart().StartsWith('<'))
        {
            answer.ContentType.ShouldBe("text/xml; charset=utf-8");
            answer.Body.ShouldStartWith("""<?xml version="1.0" encoding="utf-8"?>""");
            var expected = XDocument.Parse(specimen.Trim()).Root!;
            var actual = XDocument.Parse(answer.Body).Root!;
            actual.Name.LocalName.ShouldBe(expected.Name.LocalName);
            SameShape(expected, actual, expected.Name.LocalName);
        }
        else
        {
            answer.ContentType.ShouldBe("application/json; charset=utf-8");
            using var expected = JsonDocument.Parse(specimen);
            using var actual = JsonDocument.Parse(answer.Body);
            SameShape(expected.RootElement, actual.RootElement, "$");
        }
    }

    /// <summary>
    /// The same kind at every level: objects with the same keys, arrays whose every entry has the shape of the
    /// specimen's first (an empty array fits any), and a value where the specimen has a value (of any type or null).
    /// </summary>
    private static void SameShape(JsonElement expected, JsonElement actual, string path)
    {
        static string Kind(JsonElement e) => e.ValueKind switch { JsonValueKind.Object => "object", JsonValueKind.Array => "array", _ => "value" };
        Kind(actual).ShouldBe(Kind(expected), $"{path} is {Kind(actual)} where the specification has {Kind(expected)}");
        if (expected.ValueKind == JsonValueKind.Object)
        {
            actual.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)
                .ShouldBe(expected.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal), $"the keys of {path}");
            foreach (var property in expected.EnumerateObject()) SameShape(property.Value, actual.GetProperty(property.Name), $"{path}.{property.Name}");
        }
        else if (expected.ValueKind == JsonValueKind.Array && expected.GetArrayLength() > 0)
        {
            var i = 0;
            foreach (var entry in actual.EnumerateArray()) SameShape(expected[0], entry, $"{path}[{i++}]");
        }
    }

    /// <summary>
    /// The same elements at every level: the same distinct child names, every repeat of a child shaped as the
    /// specimen's first of that name, and text where the specimen has text. A list the specimen shows with entries
    /// may be empty (a service without attributes).
    /// </summary>
    private static void SameShape(XElement expected, XElement actual, string path)
    {
        var expectedNames = expected.Elements().Select(e => e.Name.LocalName).Distinct().Order(StringComparer.Ordinal).ToList();
        var actualNames = actual.Elements().Select(e => e.Name.LocalName).Distinct().Order(StringComparer.Ordinal).ToList();
        var emptyList = actualNames.Count == 0 && expectedNames.Count == 1 && expected.Elements().All(e => e.HasElements);
        if (!emptyList) actualNames.ShouldBe(expectedNames, $"the elements in <{path}>");
        foreach (var child in actual.Elements()) SameShape(expected.Element(child.Name.LocalName)!, child, $"{path}/{child.Name.LocalName}");
    }
}
