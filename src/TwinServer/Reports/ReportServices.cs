namespace DigitalTwin.Server.Reports;

/// <summary>Reports: the statistics behind the reports page and GraphQL, and the service that places cases in the area layers.</summary>
public static class ReportServices
{
    public static IServiceCollection AddTwinReports(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReportOptions>().Bind(configuration.GetSection("Reports"))
            .Validate(o => TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out _), "Reports:TimeZone is not a time zone this machine knows (such as Europe/Stockholm)")
            .Validate(o => o.PlacementSweepSeconds is > 0 and <= 86400, "Reports:PlacementSweepSeconds is not between 0 and 86,400")
            .ValidateOnStart();
        services.AddSingleton<CaseStatistics>().AddSingleton<CaseAreaPlacement>();
        return services.AddHostedService(provider => provider.GetRequiredService<CaseAreaPlacement>());
    }
}
