using DigitalTwin.Server.Cases;
using DigitalTwin.Server.Errors;
using Microsoft.Extensions.DependencyInjection;

namespace DigitalTwin.Server.Tests.Cases;

/// <summary>
/// A duplicate merged into its original: closed, both timelines say so, its reporter hears when the original is
/// done (by e-mail, through the outbox, with the original's note); never a chain of merges; and a merge undone puts
/// the duplicate back in the inbox.
/// </summary>
public sealed class MergeTests(CaseCityServer server) : IClassFixture<CaseCityServer>
{
    private CaseStore Cases => server.Services.GetRequiredService<CaseStore>();

    private static readonly Actor Handler = new("user:test.merge");

    private Task<CaseCreated> ReportAsync(string? email) => Cases.CreateAsync(new NewCase("graffiti", 18.076363, 59.305782, "Tags on the pillar", null, null, email,
        "Reporter", null, null, "sv", "open311", null), new Actor("key:app"), CancellationToken.None);

    private Task<long> EventsAsync(long caseId, string kind) =>
        server.Database.ScalarAsync<long>("SELECT count(*) FROM case_events WHERE case_id = $1 AND kind = $2", caseId, kind);

    [Fact]
    public async Task A_merged_duplicates_reporter_hears_when_the_original_is_done()
    {
        var original = await ReportAsync("first.reporter@example.org");
        var duplicate = await ReportAsync("second.reporter@example.org");
        await Cases.CloseAtFirstContactAsync(duplicate.Id, CaseResolution.Duplicate, null, original.ServiceRequestId, null, Handler, CancellationToken.None);

        var merged = (await Cases.GetAsync(duplicate.Id, CancellationToken.None))!;
        (merged.Status, merged.MergedInto).ShouldBe((CaseStatus.Closed, original.Id));
        (await EventsAsync(original.Id, "merged")).ShouldBe(1);
        (await Cases.DeskCaseAsync(original.Id, CancellationToken.None))!.MergedDuplicates.ShouldBe(1);

        await Cases.ForwardAsync(original.Id, new ForwardRequest(null), Handler, CancellationToken.None);
        var recipient = (await Cases.GetAsync(original.Id, CancellationToken.None))!.Assignee!;
        await Cases.ApplyRecipientUpdateAsync(original.Id, recipient, "done-1", CaseStatus.Done, "Removed this morning",
            new Actor("key:crew", Organisation: recipient), CancellationToken.None);

        // Both reporters hear, each at their own address, through the outbox; the duplicate carries the note.
        (await server.Database.ScalarAsync<string>(
            "SELECT string_agg(target, ',' ORDER BY target) FROM outbox WHERE channel = 'citizen-email' AND case_id IN ($1, $2) AND payload ->> 'kind' = 'done'",
            original.Id, duplicate.Id)).ShouldBe("first.reporter@example.org,second.reporter@example.org");
        (await Cases.GetAsync(duplicate.Id, CancellationToken.None))!.StatusNotes.ShouldBe("Removed this morning");
        (await EventsAsync(duplicate.Id, "original-done")).ShouldBe(1);
    }

    [Fact]
    public async Task Merges_never_chain_nor_go_into_a_case_that_is_done()
    {
        var original = await ReportAsync(null);
        var duplicate = await ReportAsync(null);
        var third = await ReportAsync(null);
        await Cases.CloseAtFirstContactAsync(duplicate.Id, CaseResolution.Duplicate, null, original.ServiceRequestId, null, Handler, CancellationToken.None);

        var chained = await Should.ThrowAsync<TwinException>(() =>
            Cases.CloseAtFirstContactAsync(third.Id, CaseResolution.Duplicate, null, duplicate.ServiceRequestId, null, Handler, CancellationToken.None));
        chained.Message.ShouldContain("merge into that one");
        var withDuplicates = await Should.ThrowAsync<TwinException>(() =>
            Cases.CloseAtFirstContactAsync(original.Id, CaseResolution.Duplicate, null, third.ServiceRequestId, null, Handler, CancellationToken.None));
        withDuplicates.Message.ShouldContain("undo those merges first");

        await Cases.SetStatusAsync(third.Id, CaseStatus.Done, "Fixed", Handler, CancellationToken.None);
        var intoDone = await Should.ThrowAsync<TwinException>(() =>
            Cases.CloseAtFirstContactAsync(original.Id, CaseResolution.Duplicate, null, third.ServiceRequestId, null, Handler, CancellationToken.None));
        intoDone.Code.ShouldBe(ErrorCodes.BadStatus);
        (await Cases.GetAsync(original.Id, CancellationToken.None))!.Status.ShouldBe(CaseStatus.Received); // nothing of a refused merge stays
    }

    [Fact]
    public async Task A_merge_undone_puts_the_duplicate_back_in_the_inbox_and_both_timelines_say_so()
    {
        var original = await ReportAsync(null);
        var duplicate = await ReportAsync(null);
        await Cases.CloseAtFirstContactAsync(duplicate.Id, CaseResolution.Duplicate, null, original.ServiceRequestId, null, Handler, CancellationToken.None);
        var version = (await Cases.GetAsync(duplicate.Id, CancellationToken.None))!.Version;

        (await Should.ThrowAsync<TwinException>(() => Cases.UnmergeAsync(original.Id, null, Handler, CancellationToken.None))).Code.ShouldBe(ErrorCodes.BadStatus);
        await Cases.UnmergeAsync(duplicate.Id, version, Handler, CancellationToken.None);

        var apart = (await Cases.GetAsync(duplicate.Id, CancellationToken.None))!;
        (apart.Status, apart.MergedInto, apart.Resolution).ShouldBe((CaseStatus.Received, null, null));
        (await EventsAsync(duplicate.Id, "unmerged")).ShouldBe(1);
        (await EventsAsync(original.Id, "unmerged")).ShouldBe(1);
        (await Cases.InboxAsync(new InboxQuery { Text = duplicate.ServiceRequestId }, null, CancellationToken.None)).Cases.Single().Id.ShouldBe(duplicate.Id);
    }
}
