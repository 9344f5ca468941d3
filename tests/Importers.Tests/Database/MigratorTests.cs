using DigitalTwin.Data.Database;
using DigitalTwin.Testing;
using Npgsql;

namespace DigitalTwin.Importers.Tests.Database;

/// <summary>Migrations from an empty database: applied in order, recorded, safe to re-run, history never rewritten.</summary>
public sealed class MigratorTests
{
    [Fact]
    public async Task Migrations_apply_to_an_empty_database_once_and_then_do_nothing()
    {
        await using var database = await PostgisServer.CreateDatabaseAsync("empty", migrated: false);
        var first = await Migrator.MigrateAsync(database.DataSource);
        first.ShouldBe(Migrator.All.Select(m => m.Name).ToList());
        first[0].ShouldBe("0001_foundation.sql");
        (await database.ScalarAsync<long>("SELECT count(*) FROM information_schema.columns WHERE table_name = 'map_objects' AND column_name = 'geom_3857'")).ShouldBe(0);

        (await Migrator.MigrateAsync(database.DataSource)).ShouldBeEmpty();
        (await database.ScalarAsync<long>("SELECT count(*) FROM schema_migrations")).ShouldBe(Migrator.All.Count);
        (await database.ScalarAsync<string>("SELECT postgis_lib_version()")).ShouldStartWith("3.");
        (await database.ScalarAsync<string>("SELECT Find_SRID('public', 'map_objects', 'geom')::text")).ShouldBe("3035");
    }

    [Fact]
    public async Task A_data_source_of_several_hosts_knows_postgis_types_after_an_empty_database_is_migrated_by_its_url()
    {
        // A primary and its standby as the server names them, here one PostgreSQL named twice: Npgsql makes a pool
        // per host and learns the database's types in each when it first connects to it. The server makes its data
        // sources, migrates by the URL, then serves: the pools connect after geometry exists.
        await using var database = await PostgisServer.CreateDatabaseAsync("hosts", migrated: false);
        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        builder.Host = $"{builder.Host}:{builder.Port},localhost:{builder.Port}";
        await using var serving = TwinDatabase.CreateDataSource(builder.ConnectionString, "twin-tests");

        (await Migrator.MigrateAsync(builder.ConnectionString)).ShouldNotBeEmpty();

        await using var command = serving.CreateCommand("SELECT ST_SetSRID(ST_MakePoint(1, 2), 3035)");
        var point = (await command.ExecuteScalarAsync()).ShouldBeOfType<NetTopologySuite.Geometries.Point>();
        (point.X, point.Y, point.SRID).ShouldBe((1.0, 2.0, 3035));
    }

    [Fact]
    public async Task Concurrent_starts_migrate_once()
    {
        await using var database = await PostgisServer.CreateDatabaseAsync("race", migrated: false);
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Migrator.MigrateAsync(database.DataSource)));
        runs.Sum(r => r.Count).ShouldBe(Migrator.All.Count);
    }

    [Fact]
    public async Task An_applied_migration_that_was_edited_is_refused()
    {
        await using var database = await PostgisServer.CreateDatabaseAsync("edited", migrated: false);
        await Migrator.MigrateAsync(database.DataSource);
        await database.ScalarAsync<int>("UPDATE schema_migrations SET checksum = 'deadbeefdeadbeefdeadbeef' WHERE name = '0001_foundation.sql'");
        var error = await Should.ThrowAsync<MigrationException>(() => Migrator.MigrateAsync(database.DataSource));
        error.Message.ShouldContain("0001_foundation.sql was applied with different content");
    }

    [Fact]
    public void A_postgres_url_becomes_a_connection_string()
    {
        var builder = new NpgsqlConnectionStringBuilder(TwinDatabase.ToConnectionString("postgres://gis%40city:s%3Acret@db.example:6543/twin?sslmode=require"));
        builder.Host.ShouldBe("db.example");
        builder.Port.ShouldBe(6543);
        builder.Username.ShouldBe("gis@city");
        builder.Password.ShouldBe("s:cret");
        builder.Database.ShouldBe("twin");
        builder.SslMode.ShouldBe(SslMode.Require);
    }

    [Fact]
    public void A_url_of_several_hosts_as_pg_autoctl_prints_it_keeps_every_host_and_the_read_write_target()
    {
        var builder = new NpgsqlConnectionStringBuilder(TwinDatabase.ToConnectionString(
            "postgres://twin@10.0.0.1:5432,10.0.0.2:6432,[fd00::3]:5433/twin?target_session_attrs=read-write&sslmode=prefer&connect_timeout=3"));
        builder.Host.ShouldBe("10.0.0.1:5432,10.0.0.2:6432,fd00::3:5433");
        builder.Username.ShouldBe("twin");
        builder.Database.ShouldBe("twin");
        builder.TargetSessionAttributes.ShouldBe("read-write");
        builder.SslMode.ShouldBe(SslMode.Prefer);
        builder.Timeout.ShouldBe(3);
    }

    [Fact]
    public void A_url_with_a_port_that_is_not_a_number_is_refused_by_name()
    {
        Should.Throw<ArgumentException>(() => TwinDatabase.ToConnectionString("postgres://h1:5432,h2:x/twin")).Message.ShouldContain("'x'");
    }
}
