using DigitalTwin.Data.Text;

namespace DigitalTwin.Server.Cases;

/// <summary>Cases: intake (CaseIntake) and the desk's workflow (CaseStore), keys of systems, live changes, and the outbox with its channels.</summary>
public static class CaseServices
{
    public static IServiceCollection AddTwinCases(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection("Outbox"))
            .ValidateDataAnnotations()
            .Validate(o => EmailAddresses.IsValid(o.SmtpFrom), "Outbox:SmtpFrom is not one e-mail address (such as digitaltwin@city.example)")
            .Validate(o => o.MaxRetrySeconds >= o.FirstRetrySeconds, "Outbox:MaxRetrySeconds is less than Outbox:FirstRetrySeconds")
            .Validate(o => o.ClaimSeconds > 2 * o.TimeoutSeconds, "Outbox:ClaimSeconds is not more than twice Outbox:TimeoutSeconds: batches still being sent would be given to others and sent twice")
            .ValidateOnStart();
        services.AddOptions<CaseOptions>().Bind(configuration.GetSection("Cases"))
            .Validate(o => o.Answers.Values.All(answers => answers.All(a => a.En is not null || a.Fi is not null || a.Sv is not null)),
                "Cases:Answers has a model answer with no text in any language (fi, sv, en)")
            .Validate(o => o.Answers.Values.All(answers => answers.All(a => a.States.All(CaseStatus.All.Contains))),
                "Cases:Answers has a model answer for a state that is not a case status (received, assigned, forwarded, in_progress, done, closed, rejected)")
            .ValidateOnStart();

        // The outbox: one worker service, and a channel per way out (outbox.channel); a new way out is a new IOutboxChannel.
        services.AddHttpClient(OutboxHttp.ClientName);
        services.AddSingleton<OutboxHttp>().AddSingleton<OutboxMailer>();
        services.AddSingleton<IOutboxChannel, WebhookChannel>()
            .AddSingleton<IOutboxChannel, Open311Channel>()
            .AddSingleton<IOutboxChannel, EmailChannel>()
            .AddSingleton<IOutboxChannel, CitizenEmailChannel>();
        services.AddHostedService<OutboxWorker>();

        return services.AddSingleton<CaseStore>().AddSingleton<DeskState>().AddSingleton<CaseIntake>().AddSingleton<CaseChanges>()
            // Keys from the standby while the primary is lost, when look-ups are served by one.
            .AddSingleton(sp => new ApiKeys(sp.GetRequiredService<Npgsql.NpgsqlDataSource>(),
                sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Database.DatabaseOptions>>().Value.LookupsFromStandby
                    ? sp.GetRequiredKeyedService<Npgsql.NpgsqlDataSource>(Database.DatabaseExtensions.GenericPlans) : null));
    }
}
