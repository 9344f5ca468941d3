using DigitalTwin.Server.Access;
using DigitalTwin.Server.Cases;
using DigitalTwin.Server.Catalog;
using DigitalTwin.Server.Cluster;
using DigitalTwin.Server.Database;
using DigitalTwin.Server.GraphQL;
using DigitalTwin.Server.Health;
using DigitalTwin.Server.Layers;
using DigitalTwin.Server.MapUi;
using DigitalTwin.Server.Ogc;
using DigitalTwin.Server.Open311;
using DigitalTwin.Server.Reports;
using DigitalTwin.Server.Responsibility;
using DigitalTwin.Server.Tiles;

var builder = WebApplication.CreateBuilder(args);

builder.AddTwinDatabase();
builder.Services.AddTwinHealth();
builder.Services.AddTwinCatalog();
builder.Services.AddTwinLayers();
builder.AddTwinResponsibility();
builder.Services.AddTwinGraphQL();
builder.Services.AddTwinTiles(builder.Configuration);
builder.Services.AddTwinOgc();
builder.AddTwinMapUi();
builder.Services.AddTwinCases(builder.Configuration);
builder.Services.AddTwinReports(builder.Configuration);
builder.Services.AddTwinAccess(builder.Configuration);
builder.Services.AddTwinCluster(builder.Configuration); // what the nodes share: the key ring of sessions, word of changes
builder.AddTwinHardening();

var app = builder.Build();

await app.MigrateTwinDatabaseAsync(); // before the pools first connect, so that they know the types it made
await app.CheckConnectionBudgetAsync(); // the pools fit the database's max_connections, or the server does not start
await app.ShareKeyRingAsync(); // one key for sessions and forms on every node, made by the first to start
await app.WarmUpAsync(); // pools open and the look-up compiled before the first request (and the balancer's check)
app.UseTwinHardening(); // security headers, error bodies without internals
app.UseTwinCrossSiteRefusal(); // a session changes nothing at another site's request
app.UseStaticFiles(); // wwwroot: the GraphiQL bundle under /graphiql/
app.UseAuthentication(); // keys of systems, sessions of people (Access/)
app.UseAuthorization();
app.UseRateLimiter();
app.UseAntiforgery();
app.MapTwinHealth();
app.MapTwinSignIn();
app.MapTwinGraphQL();
app.MapTwinTiles();
app.MapTwinOgc();
app.MapTwinOpen311();
app.MapTwinCaseMedia();
app.MapTwinLayerImport();
app.MapTwinMapUi();

app.Run();

/// <summary>The server's entry point; public so that tests can host it with WebApplicationFactory.</summary>
public partial class Program;
