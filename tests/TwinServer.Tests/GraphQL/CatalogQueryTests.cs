namespace DigitalTwin.Server.Tests.GraphQL;

/// <summary>layers, organisations and taskTypes read what the database holds.</summary>
public sealed class CatalogQueryTests(TwinServerFactory server) : IClassFixture<TwinServerFactory>
{
    [Fact]
    public async Task Organisations_answer_in_the_asked_language_with_their_channel()
    {
        await server.Database.ScalarAsync<int>(
            """
            INSERT INTO organisations (key, kind, name_fi, name_sv, name_en, webhook_url)
            VALUES ('trafikkontoret', 'administration', NULL, 'Trafikkontoret', 'Traffic Office', 'http://127.0.0.1:5099/hook'),
                   ('klotterfritt', 'contractor', 'Töhrytön Oy', 'Klotterfritt AB', NULL, NULL)
            ON CONFLICT DO NOTHING
            """);
        var (status, body) = await server.GraphQLAsync(
            """{ organisations(kind: "administration") { key kind name(language: SV) nameFi channel webhookUrl } all: organisations { key name } }""");
        status.ShouldBe(200);
        var organisation = body.GetProperty("data").GetProperty("organisations")[0];
        organisation.GetProperty("key").GetString().ShouldBe("trafikkontoret");
        organisation.GetProperty("name").GetString().ShouldBe("Trafikkontoret");
        organisation.GetProperty("channel").GetString().ShouldBe("WEBHOOK");
        var all = body.GetProperty("data").GetProperty("all");
        all.GetArrayLength().ShouldBe(2);
        // English is missing for the contractor: the name falls back by the one rule, Finnish, then Swedish, as the map and Open311 name it.
        all[0].GetProperty("name").GetString().ShouldBe("Töhrytön Oy");
    }

    [Fact]
    public async Task Task_types_list_their_codes_and_names()
    {
        await server.Database.ScalarAsync<int>(
            "INSERT INTO task_types (code, name_fi, name_sv, name_en) VALUES ('graffiti', 'Töhryjen poisto', 'Klottersanering', 'Graffiti removal') ON CONFLICT DO NOTHING");
        var (_, body) = await server.GraphQLAsync("""{ taskTypes { code name(language: FI) nameSv } }""");
        var taskType = body.GetProperty("data").GetProperty("taskTypes")[0];
        taskType.GetProperty("code").GetString().ShouldBe("graffiti");
        taskType.GetProperty("name").GetString().ShouldBe("Töhryjen poisto");
        taskType.GetProperty("nameSv").GetString().ShouldBe("Klottersanering");
    }
}
