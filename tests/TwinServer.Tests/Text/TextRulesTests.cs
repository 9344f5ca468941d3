using DigitalTwin.Data.Text;

namespace DigitalTwin.Server.Tests.Text;

/// <summary>The one rule for text every channel takes in, and the cleaning every writer applies to what is stored.</summary>
public sealed class TextRulesTests
{
    [Theory]
    [InlineData("Klotter på brofästet", true)]
    [InlineData("line one\nline two\r\n\ttabbed", true)]
    [InlineData("emoji 🚧 ok", true)]
    [InlineData("nul \0 inside", false)]
    [InlineData("start of heading \u0001", false)]
    [InlineData("escape \u001B[31m", false)]
    [InlineData("delete \u007F", false)]
    [InlineData("C1 next line \u0085", false)]
    [InlineData("non-character \uFFFE", false)]
    public void Text_is_clean_only_without_control_characters_and_broken_surrogates(string text, bool clean)
    {
        TextRules.IsClean(text).ShouldBe(clean);
        (TextRules.Problem("description", text) is null).ShouldBe(clean);
    }

    [Fact]
    public void A_broken_surrogate_is_not_utf8_and_not_clean()
    {
        // Not in InlineData: xunit's serialisation of test data turns a lone surrogate into U+FFFD.
        TextRules.IsClean("lone high \uD83D end").ShouldBeFalse();
        TextRules.IsClean("lone low \uDE00 end").ShouldBeFalse();
        TextRules.IsClean("reversed \uDE00\uD83D").ShouldBeFalse();
        TextRules.Problem("address", "x\uD83D").ShouldStartWith("address has a broken UTF-16 surrogate (not valid UTF-8) at position 2");
    }

    [Fact]
    public void The_problem_names_the_field_the_character_and_its_position()
    {
        TextRules.Problem("description", "ab\u0001c").ShouldBe(
            "description has the control character U+0001 at position 3; text may hold tab and line breaks but no other control characters.");
        TextRules.Problem("first_name", "x\0").ShouldStartWith("first_name has a NUL character at position 2");
    }

    [Fact]
    public void Cleaning_replaces_what_cannot_be_written_and_keeps_the_rest()
    {
        TextRules.Clean("a\u0001b\uD83Dc🚧\td").ShouldBe("a\uFFFDb\uFFFDc🚧\td");
        var untouched = "nothing to do";
        TextRules.Clean(untouched).ShouldBeSameAs(untouched);
    }
}
