using DigitalTwin.Importers.Pipeline;

namespace DigitalTwin.Importers.Tests.Pipeline;

/// <summary>What a repair did to an area, with the digits to see it.</summary>
public sealed class AreaChangeTests
{
    [Theory]
    [InlineData(1735021334.2, 1735019876.0, "m²", "area 1,735,021,334 → 1,735,019,876 m² (-1,458 m², -0.000084 %)")]
    [InlineData(1735021334.2, 1735021334.3, "m²", "area 1,735,021,334.2 → 1,735,021,334.3 m² (+0.1 m², +0.0000000058 %)")]
    [InlineData(0.000123456789, 0.000123456123, "square degrees", "area 0.000123457 → 0.000123456 square degrees (-0.000000000666 square degrees, -0.00054 %)")]
    [InlineData(0.0, 0.00005, "square degrees", "area 0.0000000000 → 0.0000500000 square degrees (+0.00005 square degrees)")]
    [InlineData(250.5, 250.5, "m²", "area 250.500000000000000 m² (unchanged)")]
    public void Shows_enough_digits_to_see_the_change(double before, double after, string unit, string expected)
    {
        AreaChange.Describe(before, after, unit).ShouldBe(expected);
    }
}
