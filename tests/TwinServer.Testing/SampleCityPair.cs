using DigitalTwin.Data.Database;
using DigitalTwin.Testing;

namespace DigitalTwin.Server.Testing;

/// <summary>A pg_auto_failover pair of a test's own (<see cref="FailoverPair"/>) with the sample city loaded, as <c>./twin cluster up</c> makes it.</summary>
public static class SampleCityPair
{
    /// <summary>Makes the pair (about 30 s), migrates it and loads the sample city on its primary.</summary>
    public static async Task<FailoverPair> StartNewAsync()
    {
        var pair = await FailoverPair.StartNewAsync();
        try
        {
            // Migrated by the URL before the data source that loads the city first connects (it then knows geometry).
            await Migrator.MigrateAsync(pair.Url);
            await using var dataSource = TwinDatabase.CreateDataSource(pair.Url);
            await SampleCityServer.SampleCity.LoadAsync(dataSource);
            return pair;
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
    }
}
