namespace DigitalTwin.Server.Responsibility;

internal static class ResponsibilityExtensions
{
    public static void AddTwinResponsibility(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ResponsibilityOptions>()
            .Bind(builder.Configuration.GetSection("Responsibility"))
            .Validate(o => o.DefaultTolerance is >= 0 and <= 1000, "Responsibility:DefaultTolerance must be between 0 and 1000 metres.")
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ContractCatalog>().AddSingleton<ResponsibilityResolver>();
        builder.Services.AddSingleton<MapObjects.MapObjectSearch>();
        builder.Services.AddSingleton<Contracts.ContractStore>().AddScoped<Contracts.ResponseTimeLoader>();
    }
}
