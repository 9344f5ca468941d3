using DigitalTwin.Importers.Filtering;
using DigitalTwin.Importers.Pipeline;

namespace DigitalTwin.Importers.Tests.Filtering;

/// <summary>The --where expression: SQL's comparisons and three-valued logic, parsed here, never run as SQL.</summary>
public sealed class WhereClauseTests
{
    private static readonly string[] Fields = ["kommun", "typ", "ar", "Namn", "aktiv", "o'brien"];

    private static bool Matches(string where, params (string Field, object? Value)[] values) =>
        WhereClause.Parse(where, Fields).Matches(values.ToDictionary(v => v.Field, v => v.Value));

    [Theory]
    [InlineData("kommun = 'Stockholm' AND typ IN ('bro','gata')", true)]
    [InlineData("kommun = 'stockholm'", false)] // text compares as written, as in SQL
    [InlineData("kommun <> 'Solna' and not typ = 'park'", true)]
    [InlineData("typ NOT IN ('park', 'torg')", true)]
    [InlineData("ar > 1999 AND ar <= 2001.0", true)]
    [InlineData("ar = '2001'", true)]
    [InlineData("Namn LIKE 'Skan%bro'", false)]
    [InlineData("namn LIKE 'Skan%'", true)] // a field named in another case, when only one matches so
    [InlineData("(typ = 'park' OR kommun = 'Stockholm') AND aktiv = 'true'", true)]
    [InlineData("\"o'brien\" IS NULL", true)]
    [InlineData("kommun IS NOT NULL", true)]
    public void Expressions_read_as_in_sql(string where, bool expected) =>
        Matches(where, ("kommun", "Stockholm"), ("typ", "bro"), ("ar", 2001L), ("Namn", "Skanstullsbron"), ("aktiv", true), ("o'brien", "  ")).ShouldBe(expected);

    [Fact]
    public void An_empty_value_is_unknown_so_neither_it_nor_its_negation_is_true()
    {
        Matches("kommun = 'Solna'", ("kommun", null)).ShouldBeFalse();
        Matches("NOT kommun = 'Solna'", ("kommun", "")).ShouldBeFalse();
        Matches("kommun = 'Solna' OR typ = 'bro'", ("kommun", null), ("typ", "bro")).ShouldBeTrue();
        Matches("NOT (kommun = 'Solna' AND typ = 'park')", ("kommun", null), ("typ", "bro")).ShouldBeTrue();
    }

    [Fact]
    public void Quotes_in_text_are_text_and_nothing_runs()
    {
        Matches("kommun = 'x'' OR ''1''=''1'", ("kommun", "x' OR '1'='1")).ShouldBeTrue();
        Matches("kommun = 'x'' OR ''1''=''1'", ("kommun", "Solna")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("kommun = 'Solna", "the text begun at character 10 has no closing '")]
    [InlineData("kommun == 'Solna'", "expected a 'text' or a number at character 9")]
    [InlineData("kommun = Solna", "expected a 'text' or a number at character 10")]
    [InlineData("kommun IN 'Solna'", "expected '(' after IN at character 11")]
    [InlineData("kommun = 'a'; DROP TABLE layers", "';' at character 13 is not part of an expression")]
    [InlineData("(kommun = 'a'", "expected ')' at the end")]
    [InlineData("gata = 'a'", "the file has no field 'gata'")]
    public void A_wrong_expression_says_where(string where, string expected) =>
        Should.Throw<ImportException>(() => WhereClause.Parse(where, Fields)).Message.ShouldContain(expected);
}
