using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class HandlingTimeType : ObjectGraphType<(double? Median, double? P90)>
{
    public HandlingTimeType()
    {
        Name = "HandlingTime";
        Description = "A handling time over the cases of a group, in hours (null: no case has it).";
        Field<FloatGraphType>("medianHours").Description("Half the cases took at most this long.").Resolve(c => Hours(c.Source.Median));
        Field<FloatGraphType>("p90Hours").Description("Nine in ten took at most this long.").Resolve(c => Hours(c.Source.P90));
    }

    private static double? Hours(double? seconds) => seconds is { } s ? Math.Round(s / 3600, 3) : null;
}
