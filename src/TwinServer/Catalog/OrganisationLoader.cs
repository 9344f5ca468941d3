namespace DigitalTwin.Server.Catalog;

/// <summary>The organisations (owners, managers, contractors, recipients) of one GraphQL request, read in batches.</summary>
public sealed class OrganisationLoader(CatalogStore store) : BatchLoader<Organisation>
{
    protected override Task<IReadOnlyDictionary<string, Organisation>> FetchAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
        store.OrganisationsByKeyAsync(keys, cancellationToken);
}
