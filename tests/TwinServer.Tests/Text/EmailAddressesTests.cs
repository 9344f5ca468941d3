using DigitalTwin.Data.Text;
using MimeKit;

namespace DigitalTwin.Server.Tests.Text;

/// <summary>Addresses are refused at intake exactly when the sender's parser could not send to them.</summary>
public sealed class EmailAddressesTests
{
    [Theory]
    [InlineData("anna@example.org")]
    [InlineData("anna.svensson+klotter@stockholm.se")]
    [InlineData("root@localhost")]
    [InlineData("päivi@esimerkki.fi")]
    public void Plain_addresses_are_valid_and_parse_for_sending(string address)
    {
        EmailAddresses.IsValid(address).ShouldBeTrue();
        MailboxAddress.Parse(address).Address.ShouldBe(address);
    }

    [Theory]
    [InlineData("a@b@c")]
    [InlineData("@example.org")]
    [InlineData("anna@")]
    [InlineData("anna")]
    [InlineData("Anna <anna@example.org>")]
    [InlineData("anna@example.org, bo@example.org")]
    [InlineData("group: anna@example.org;")]
    [InlineData("anna @example.org")]
    [InlineData("anna@exa mple.org")]
    [InlineData("anna@example.org\nBcc: all@example.org")]
    [InlineData("\"unterminated@example.org")]
    [InlineData("anna@[999.1")]
    [InlineData("<anna@example.org>")]
    [InlineData("anna@@example.org")]
    public void Anything_else_is_refused(string address)
    {
        EmailAddresses.IsValid(address).ShouldBeFalse();
        EmailAddresses.Problem("email", address).ShouldStartWith("email is not an e-mail address");
    }

    [Fact]
    public void An_address_longer_than_a_mail_path_is_refused()
    {
        EmailAddresses.IsValid(new string('a', 250) + "@x.se").ShouldBeFalse();
    }
}
