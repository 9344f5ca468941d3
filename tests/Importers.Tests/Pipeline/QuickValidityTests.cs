using DigitalTwin.Importers.Pipeline;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NetTopologySuite.Operation.Valid;

namespace DigitalTwin.Importers.Tests.Pipeline;

/// <summary>The fast path may only ever say "valid" where NetTopologySuite's IsValidOp agrees.</summary>
public sealed class QuickValidityTests
{
    private static readonly GeometryFactory Factory = new();

    [Theory]
    [InlineData("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))", true)]
    [InlineData("POLYGON ((0 0, 10 0, 10 0, 10 10, 0 10, 0 0))", true)] // a repeated point is valid
    [InlineData("MULTIPOLYGON (((0 0, 10 0, 5 8, 0 0)))", true)]
    [InlineData("POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))", false)] // bow-tie
    [InlineData("POLYGON ((0 0, 10 0, 10 10, 10 20, 10 10, 0 10, 0 0))", false)] // spike
    [InlineData("POLYGON ((0 0, 10 0, 5 0, 0 0))", false)] // no area
    [InlineData("POLYGON ((0 0, 10 0, 10 10, 5 0, 0 10, 0 0))", false)] // touches itself at a vertex
    [InlineData("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 3 2, 3 3, 2 2))", false)] // holes go to IsValidOp
    public void Known_shapes(string wkt, bool certainlyValid)
    {
        var geometry = new WKTReader().Read(wkt);
        QuickValidity.IsCertainlyValid(geometry).ShouldBe(certainlyValid);
        if (certainlyValid) geometry.IsValid.ShouldBeTrue();
    }

    [Fact]
    public void Never_accepts_what_IsValidOp_refuses_on_random_rings()
    {
        var random = new Random(20261124);
        var accepted = 0;
        for (var run = 0; run < 200_000; run++)
        {
            var points = random.Next(3, 9);
            var coordinates = new Coordinate[points + 1];
            for (var i = 0; i < points; i++)
            {
                // A coarse grid makes touching, collinear and repeated points common, where the mistakes would be.
                coordinates[i] = random.Next(4) == 0
                    ? new Coordinate(random.Next(0, 4), random.Next(0, 4))
                    : new Coordinate(random.NextDouble() * 100, random.NextDouble() * 100);
            }
            coordinates[points] = coordinates[0].Copy();
            var polygon = Factory.CreatePolygon(coordinates);
            if (!QuickValidity.IsCertainlyValid(polygon)) continue;
            accepted++;
            new IsValidOp(polygon).IsValid.ShouldBeTrue(polygon.ToText());
        }
        accepted.ShouldBeGreaterThan(10_000); // the fast path is taken often enough to matter
    }
}
