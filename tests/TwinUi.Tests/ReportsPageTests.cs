using System.Text;

namespace DigitalTwin.Ui.Tests;

/// <summary>
/// The reports page in Chromium, as a supervisor uses it: the last 90 days by default, key figures, charts and the heat
/// map drawn from the server's counts, tables, a filter, and a table saved as CSV that a spreadsheet opens safely.
/// </summary>
public sealed class ReportsPageTests(LoopbackSampleCity server, Browser browser) : IClassFixture<LoopbackSampleCity>, IClassFixture<Browser>
{
    private async Task SeedAsync()
    {
        if (await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases WHERE service_request_id LIKE 'R-%'") > 0) return;
        // A task type whose name a spreadsheet would run as a formula: the export must not let it.
        await server.Database.ScalarAsync<int>("""
            INSERT INTO task_types (code, name_en, name_fi, name_sv) VALUES ('formula', '=HYPERLINK("http://example.org","x")', 'kaava', 'formel');
            SELECT 1
            """);
        foreach (var (number, category, daysAgo, status) in new[]
        {
            ("R-1", "graffiti", 2, "done"), ("R-2", "graffiti", 3, "forwarded"), ("R-3", "graffiti", 5, "done"), ("R-4", "formula", 4, "received"),
            ("R-5", "graffiti", 200, "closed"), // outside the last 90 days
        })
        {
            await server.Database.ScalarAsync<int>($"""
                INSERT INTO cases (service_request_id, category, lon, lat, geom, channel, status, assignee, object_id, created_at, forwarded_at,
                                   assigned_at, done_at, forwards)
                SELECT '{number}', '{category}', 18.076363, 59.305782, ST_Transform(ST_SetSRID(ST_MakePoint(18.076363, 59.305782), 4326), 3035), 'open311',
                       '{status}', CASE WHEN '{status}' = 'received' THEN NULL ELSE 'klotterfritt' END, 'sthlm-assets:TK-BRO-0417-S1', t,
                       CASE WHEN '{status}' = 'received' THEN NULL ELSE t + interval '2 hours' END,
                       CASE WHEN '{status}' = 'received' THEN NULL ELSE t + interval '2 hours' END,
                       CASE WHEN '{status}' IN ('done', 'closed') THEN t + interval '20 hours' END,
                       CASE WHEN '{status}' = 'received' THEN 0 ELSE 1 END
                FROM (SELECT now() - interval '{daysAgo} days' AS t) x
                RETURNING 1
                """);
        }
    }

    [Fact]
    public async Task A_supervisor_sees_the_last_90_days_filters_them_and_saves_a_table_as_csv()
    {
        await SeedAsync();
        var map = new MapPage(await browser.NewPageAsync());
        await map.OpenAsync(server);
        await map.RunAsync("reports", async () =>
        {
            var page = map.Page;
            await page.ClickAsync("[data-testid=reports-link]");
            await page.WaitForSelectorAsync("[data-testid=reports][data-loaded='1']");

            (await page.InnerTextAsync("[data-testid=total-cases]")).ShouldBe("4");
            var categories = await page.Locator("[data-testid=table-category] tbody tr").AllInnerTextsAsync();
            categories.Count.ShouldBe(2);
            categories[0].ShouldStartWith("Graffiti removal\t3\t1\t2\t100 %\t2.0 h\t2.0 h\t18.0 h\t18.0 h");
            (await page.InnerTextAsync("[data-testid=table-objects] tbody tr")).ShouldStartWith("Skanstullsbron, brostöd 1\tbridge-pillar\t4");
            (await page.InnerTextAsync("[data-testid=table-district] tbody tr")).ShouldStartWith("Södermalms stadsdelsområde (del)\t4");
            (await page.InnerTextAsync("[data-testid=table-recipient] tbody")).ShouldContain("Not forwarded\t1");
            // Drawn in the browser from the server's counts: the category chart has its two bars, the heat map its cell.
            (await page.GetAttributeAsync("[data-testid=chart-category]", "data-drawn")).ShouldBe("2");
            (await page.GetAttributeAsync("[data-testid=heat-map]", "data-cells")).ShouldBe("1");
            await page.WaitForSelectorAsync("[data-testid=heat-map] canvas");

            // Saved as CSV: UTF-8 with a byte order mark, the header in the page's language, the formula defused.
            var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-testid=csv-category]"));
            download.SuggestedFilename.ShouldStartWith("cases-category-");
            var path = await download.PathAsync();
            var bytes = await File.ReadAllBytesAsync(path!);
            bytes[..3].ShouldBe(new byte[] { 0xEF, 0xBB, 0xBF });
            var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            lines[0].ShouldBe("Task type,Cases,Open,Resolved,Resolved at first contact,Intake to forward,Intake to forward (90 %),Forward to done,Forward to done (90 %)");
            lines[1].ShouldBe("Graffiti removal,3,1,2,100 %,2.0 h,2.0 h,18.0 h,18.0 h");
            lines[2].ShouldBe("\"'=HYPERLINK(\"\"http://example.org\"\",\"\"x\"\")\",1,1,0,–,–,–,–,–");

            // One category: the figures follow.
            await page.SelectOptionAsync("[data-testid=report-category]", "graffiti");
            await page.ClickAsync("[data-testid=report-show]");
            await page.WaitForSelectorAsync("[data-testid=reports][data-loaded='2']");
            (await page.InnerTextAsync("[data-testid=total-cases]")).ShouldBe("3");

            // A longer period takes in the older case.
            await page.FillAsync("[data-testid=report-from]", DateTime.Today.AddDays(-365).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            await page.ClickAsync("[data-testid=report-show]");
            await page.WaitForSelectorAsync("[data-testid=reports][data-loaded='3']");
            (await page.InnerTextAsync("[data-testid=total-cases]")).ShouldBe("4");
        });
    }
}
