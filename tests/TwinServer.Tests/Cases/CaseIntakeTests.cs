using DigitalTwin.Server.Cases;
using DigitalTwin.Server.Errors;

namespace DigitalTwin.Server.Tests.Cases;

/// <summary>The intake's rules that need no database: their order, the trimming, and each channel's own words in a refusal.</summary>
public sealed class CaseIntakeTests
{
    private static readonly NewCase Graffiti = new("graffiti", 18.076363, 59.305782, "Tags", null, null, null, null, null, null, "en", CaseChannel.Phone, null);

    private static TwinException Refused(NewCase intake, IntakeFields? fields = null) =>
        Should.Throw<TwinException>(() => CaseIntake.Check(intake, fields ?? IntakeFields.GraphQL));

    [Fact]
    public void A_refusal_names_the_field_as_its_channel_calls_it()
    {
        var tooLong = Graffiti with { ObjectId = "sthlm-assets:NOPE", Description = new string('x', CaseIntake.MaxDescription + 1) };
        Refused(tooLong, IntakeFields.Open311).Message.ShouldStartWith("description is 10,001 characters; at most 10,000");
        Refused(tooLong, IntakeFields.GraphQL).Message.ShouldStartWith("input.description is 10,001 characters");
        Refused(tooLong, IntakeFields.Map).Message.ShouldStartWith("The description is 10,001 characters");
        Refused(Graffiti with { Email = "a@b@c" }, IntakeFields.Open311).Message.ShouldStartWith("email is not an e-mail address");
        Refused(Graffiti with { Email = "a@b@c" }, IntakeFields.GraphQL).Message.ShouldStartWith("input.reporter.email is not an e-mail address");
    }

    [Fact]
    public void Text_that_cannot_be_stored_is_refused_before_anything_else_is_looked_at()
    {
        var refused = Refused(Graffiti with { Category = "", Lat = 95, Description = new string('x', 20_000) + "\u0007" });
        refused.Code.ShouldBe(ErrorCodes.BadText);
        refused.Message.ShouldStartWith("input.description has the control character U+0007");
    }

    [Fact]
    public void Blank_fields_are_absent_and_the_rest_is_trimmed()
    {
        var taken = CaseIntake.Check(Graffiti with { Category = " graffiti ", Description = "  ", Address = " Gotgatan 1 ", Email = " anna@example.org " }, IntakeFields.Map);
        taken.Category.ShouldBe("graffiti");
        taken.Description.ShouldBeNull();
        taken.Address.ShouldBe("Gotgatan 1");
        taken.Email.ShouldBe("anna@example.org");
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("ftp://photos.example/pillar.jpg")]
    [InlineData("/relative/pillar.jpg")]
    public void A_media_url_is_an_http_or_https_url(string url) =>
        Refused(Graffiti with { MediaUrl = url }).Code.ShouldBe(ErrorCodes.BadInput);

    [Fact]
    public void A_channel_or_language_we_do_not_know_is_refused()
    {
        Refused(Graffiti with { Channel = "fax" }).Code.ShouldBe(ErrorCodes.BadChannel);
        Refused(Graffiti with { Language = "de" }).Code.ShouldBe(ErrorCodes.BadInput);
    }

    [Fact]
    public void Every_limit_is_the_same_for_every_channel()
    {
        foreach (var fields in new[] { IntakeFields.Open311, IntakeFields.GraphQL, IntakeFields.Map })
        {
            Should.NotThrow(() => CaseIntake.Check(Graffiti with
            {
                Description = new string('x', CaseIntake.MaxDescription), Address = new string('x', CaseIntake.MaxAddress),
                FirstName = new string('x', CaseIntake.MaxName), LastName = new string('x', CaseIntake.MaxName), Phone = new string('1', CaseIntake.MaxPhone),
                MediaUrl = "https://photos.example/" + new string('x', CaseIntake.MaxMediaUrl - 23), IdempotencyKey = new string('k', CaseIntake.MaxIdempotencyKey),
                ObjectId = "sthlm-assets:" + new string('x', CaseIntake.MaxObjectId - 13),
            }, fields));
        }
    }
}
