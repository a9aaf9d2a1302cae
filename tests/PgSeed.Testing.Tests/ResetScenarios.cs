using Npgsql;
using PgSeed.Testing.Tests.Infrastructure;

namespace PgSeed.Testing.Tests;

/// <summary>
/// The same changes against every reset strategy: after each, <see cref="PgSeedFixture.ResetAsync"/> must give
/// back exactly the seeded rows (md5 per row) and sequence values. Each test starts from a reset (base class).
/// </summary>
public abstract class ResetScenarios<TFixture>(TFixture db) : PgSeedTest<TFixture>(db) where TFixture : ShopDatabase
{
    /// <summary>
    /// Change capture must restore rows itself; a re-clone (its safety net) only after DDL, or, for a role that
    /// cannot turn FK checks off, where no statement order can satisfy the constraints (documented).
    /// </summary>
    private async Task AssertResetRestoresSeedAsync(bool ddl = false, bool needsFkChecksOff = false)
    {
        await Database.ResetAsync(TestContext.Current.CancellationToken);
        var mayReclone = ddl || (needsFkChecksOff && Database.FkChecksStayOn);
        if (Database.Strategy == ResetStrategy.ChangeCapture && !mayReclone)
            Assert.True(Database.LastReset != ResetOutcome.Recloned, $"Fell back to a re-clone: {Database.LastFallbackReason}");
        if (mayReclone && Database.LastFallbackReason is { } reason) TestContext.Current.TestOutputHelper?.WriteLine("fallback: " + reason);
        (await DatabaseState.CaptureAsync(Database.ConnectionString)).ShouldEqual(Database.Seeded);
        // A second reset right after finds nothing to do.
        await Database.ResetAsync(TestContext.Current.CancellationToken);
        if (Database.Strategy == ResetStrategy.ChangeCapture) Assert.Equal(ResetOutcome.Clean, Database.LastReset);
    }

    [Fact]
    public async Task Test_that_wrote_nothing()
    {
        Assert.Equal(2L, await Database.ScalarAsync<long>("SELECT count(*) FROM shop.department"));
        await Database.ResetAsync(TestContext.Current.CancellationToken);
        if (Database.Strategy == ResetStrategy.ChangeCapture) Assert.Equal(ResetOutcome.Clean, Database.LastReset);
        await AssertResetRestoresSeedAsync();
    }

    [Fact]
    public async Task Inserts_with_serial_identity_and_free_sequences()
    {
        await Database.ExecuteAsync("""
            INSERT INTO shop.customer (email, name, referred_by) VALUES ('new@example.com', 'New', 1), ('new2@example.com', 'New2', NULL);
            INSERT INTO shop.orders (customer_id, note) VALUES (5, 'fresh'), (1, 'another');
            INSERT INTO shop.order_line (order_id, line_no, product_id, qty) VALUES (31, 1, 1, 5), (1, 9, 2, 1);
            INSERT INTO shop.category (name, parent_id) VALUES ('comics', 2);
            SELECT nextval('shop.invoice_no');
            """);
        if (Database.Strategy == ResetStrategy.ChangeCapture)
        {
            await Database.ResetAsync(TestContext.Current.CancellationToken);
            Assert.Equal(ResetOutcome.Restored, Database.LastReset);
        }
        await AssertResetRestoresSeedAsync();
    }

    [Fact]
    public async Task Updates_of_non_key_columns()
    {
        await Database.ExecuteAsync("""
            UPDATE shop.product SET price = price * 2, name = name || ' (sale)' WHERE id % 5 = 0;
            UPDATE shop.customer SET name = 'Renamed' WHERE id = 2;
            UPDATE shop.customer SET name = 'Twice' WHERE id = 2;
            UPDATE shop.orders SET note = NULL;
            """);
        await AssertResetRestoresSeedAsync();
    }

    [Fact]
    public async Task Updates_of_key_columns_with_cascade()
    {
        await Database.ExecuteAsync("""
            UPDATE shop.orders SET id = id + 1000 WHERE id <= 3;
            UPDATE shop.order_line SET line_no = line_no + 10 WHERE order_id = 5;
            INSERT INTO shop.tag VALUES ('x', 0);
            UPDATE shop.category SET name = 'books2' WHERE id = 2;
            """);
        Assert.Equal(3L, await Database.ScalarAsync<long>("SELECT count(*) FROM shop.order_line WHERE order_id = 1001"));
        await AssertResetRestoresSeedAsync();
    }

    [Fact]
    public async Task Swapping_unique_values_between_rows()
    {
        await Database.ExecuteAsync("""
            UPDATE shop.customer SET email = 'tmp' WHERE id = 1;
            UPDATE shop.customer SET email = 'ada@example.com' WHERE id = 2;
            UPDATE shop.customer SET email = 'bob@example.com' WHERE id = 1;
            """);
        await AssertResetRestoresSeedAsync(needsFkChecksOff: true); // a swap under a non-deferrable unique key
    }

    [Fact]
    public async Task Deletes_that_cascade_and_set_null()
    {
        await Database.ExecuteAsync("DELETE FROM shop.customer WHERE id = 1;");
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM shop.orders WHERE customer_id = 1"));
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM shop.customer WHERE referred_by = 1"));
        await AssertResetRestoresSeedAsync();
    }

    [Fact]
    public async Task Self_referencing_and_cyclic_rows()
    {
        await Database.ExecuteAsync("""
            INSERT INTO shop.category (name, parent_id) VALUES ('a', 1);
            INSERT INTO shop.category (name, parent_id) SELECT 'b', id FROM shop.category WHERE name = 'a';
            UPDATE shop.category SET parent_id = 4 WHERE id = 3;
            BEGIN;
            SET CONSTRAINTS ALL DEFERRED;
            INSERT INTO shop.employee (id, name, department_id, manager_id) VALUES (4, 'Hal', 30, 4);
            INSERT INTO shop.department (id, name, head_id) VALUES (30, 'R&D', 4);
            COMMIT;
            UPDATE shop.department SET head_id = 2 WHERE id = 10;
            UPDATE shop.employee SET manager_id = NULL WHERE id = 2;
            UPDATE shop.employee SET department_id = 30 WHERE id = 1;
            UPDATE shop.department SET head_id = NULL WHERE id = 20;
            DELETE FROM shop.employee WHERE id = 3;
            """);
        await AssertResetRestoresSeedAsync(needsFkChecksOff: true); // department.head_id is not deferrable
    }

    [Fact]
    public async Task Truncate_with_cascade_and_keyless_tables()
    {
        await Database.ExecuteAsync("""
            TRUNCATE shop.customer CASCADE;
            TRUNCATE shop.tag;
            INSERT INTO shop.tag VALUES ('after', 9);
            INSERT INTO shop.customer (email, name) VALUES ('solo@example.com', 'Solo');
            """);
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM shop.order_line"));
        await AssertResetRestoresSeedAsync();
    }

    [Fact]
    public async Task Keyless_table_changes()
    {
        await Database.ExecuteAsync("DELETE FROM shop.tag WHERE label = 'sale'; UPDATE shop.tag SET weight = 7; INSERT INTO shop.tag VALUES ('new', 1);");
        await AssertResetRestoresSeedAsync();
    }

    [Fact]
    public async Task Most_of_a_table_changed_reloads_it_whole()
    {
        await Database.ExecuteAsync("UPDATE shop.product SET price = 0; DELETE FROM shop.order_line WHERE qty > 1;");
        await AssertResetRestoresSeedAsync();
    }

    [Fact]
    public async Task Upsert_and_merge()
    {
        await Database.ExecuteAsync("""
            INSERT INTO shop.category (id, name, parent_id) VALUES (2, 'books', 1), (50, 'music', 1)
              ON CONFLICT (id) DO UPDATE SET name = 'upserted';
            """);
        // MERGE is PostgreSQL 15+; it fires the same statement triggers as the INSERT, UPDATE and DELETE it does.
        if (Database.Server.MajorVersion >= 15)
            await Database.ExecuteAsync("""
                MERGE INTO shop.tag t USING (VALUES ('new', 5)) v(label, weight) ON t.label = v.label
                  WHEN MATCHED THEN UPDATE SET weight = v.weight;
                MERGE INTO shop.customer c USING (VALUES (1, 'merged'), (99, 'inserted')) v(id, name) ON c.id = v.id
                  WHEN MATCHED THEN UPDATE SET name = v.name
                  WHEN NOT MATCHED THEN INSERT (email, name) VALUES ('merged@example.com', v.name);
                """);
        await AssertResetRestoresSeedAsync();
    }

    [Fact]
    public async Task Rolled_back_writes_still_move_sequences()
    {
        await using (var c = await Database.OpenConnectionAsync(TestContext.Current.CancellationToken))
        await using (var tx = await c.BeginTransactionAsync(TestContext.Current.CancellationToken))
        {
            await using var cmd = new NpgsqlCommand("INSERT INTO shop.orders (customer_id) VALUES (1); SELECT nextval('shop.invoice_no');", c, tx);
            await cmd.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            await tx.RollbackAsync(TestContext.Current.CancellationToken);
        }
        if (Database.Strategy == ResetStrategy.ChangeCapture)
        {
            await Database.ResetAsync(TestContext.Current.CancellationToken);
            Assert.Equal(ResetOutcome.SequencesRestored, Database.LastReset);
        }
        await AssertResetRestoresSeedAsync();
    }

    [Fact]
    public async Task Writes_from_several_connections()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var a = await Database.OpenConnectionAsync(ct);
        await using var b = await Database.OpenConnectionAsync(ct);
        await using var txa = await a.BeginTransactionAsync(ct);
        await using var txb = await b.BeginTransactionAsync(ct);
        await new NpgsqlCommand("INSERT INTO shop.orders (customer_id, note) VALUES (2, 'from a'); UPDATE shop.product SET price = 1 WHERE id = 1;", a, txa).ExecuteNonQueryAsync(ct);
        await new NpgsqlCommand("INSERT INTO shop.orders (customer_id, note) VALUES (3, 'from b'); DELETE FROM shop.order_line WHERE order_id = 7;", b, txb).ExecuteNonQueryAsync(ct);
        await txb.CommitAsync(ct);
        await txa.CommitAsync(ct);
        await AssertResetRestoresSeedAsync();
    }

    [Fact]
    public async Task Schema_changes_are_undone()
    {
        await Database.ExecuteAsync("""
            ALTER TABLE shop.product ADD COLUMN stock int DEFAULT 3;
            CREATE INDEX product_price ON shop.product (price);
            CREATE TABLE shop.extra (id int);
            """);
        if (Database.Strategy == ResetStrategy.ChangeCapture)
        {
            await Database.ResetAsync(TestContext.Current.CancellationToken);
            Assert.Equal(ResetOutcome.Recloned, Database.LastReset);
        }
        await AssertResetRestoresSeedAsync(ddl: true);
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relname IN ('extra', 'product_price')"));
    }

    [Fact]
    public async Task Temporary_tables_do_not_force_a_reclone()
    {
        await using var c = await Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await new NpgsqlCommand("CREATE TEMP TABLE scratch AS SELECT 1 AS x; DROP TABLE scratch;", c).ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        await Database.ResetAsync(TestContext.Current.CancellationToken);
        if (Database.Strategy == ResetStrategy.ChangeCapture) Assert.Equal(ResetOutcome.Clean, Database.LastReset);
        await AssertResetRestoresSeedAsync();
    }
}

[Trait("Category", "Matrix")] // build/test.sh runs these on every PostgreSQL major
public sealed class ChangeCaptureResetTests(ChangeCaptureShop db) : ResetScenarios<ChangeCaptureShop>(db), IClassFixture<ChangeCaptureShop>;

[Trait("Category", "Matrix")]
public sealed class NonSuperuserChangeCaptureResetTests(NonSuperuserChangeCaptureShop db)
    : ResetScenarios<NonSuperuserChangeCaptureShop>(db), IClassFixture<NonSuperuserChangeCaptureShop>;

/// <summary>
/// Change capture as an ordinary role granted SET on session_replication_role (PostgreSQL 15+): the reset turns FK checks
/// and user triggers off like a superuser's, so it never needs a re-clone. Before 15 no such grant exists and the role
/// resets like any ordinary one.
/// </summary>
[Trait("Category", "Matrix")]
public sealed class ReplicaRoleChangeCaptureResetTests(ReplicaRoleChangeCaptureShop db)
    : ResetScenarios<ReplicaRoleChangeCaptureShop>(db), IClassFixture<ReplicaRoleChangeCaptureShop>
{
    [Fact]
    public async Task The_reset_runs_in_replica_mode_with_the_granted_privilege()
    {
        var major = Database.Server.MajorVersion;
        var replica = await Database.ScalarAsync<bool>(
            "SELECT bool_or(p.prosrc LIKE '%session_replication_role = replica%') FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'pgseed_capture'");
        if (major < 15)
        {
            Assert.False(replica);
            Assert.Skip($"PostgreSQL 15 adds GRANT SET ON PARAMETER; this server is {major}: the role resets with FK checks on.");
        }
        Assert.True(replica, "the reset function should set session_replication_role = replica");
        Assert.False(await Database.ScalarAsync<bool>("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));
    }
}

[Trait("Category", "Matrix")]
public sealed class CloneFromTemplateResetTests(CloneShop db) : ResetScenarios<CloneShop>(db), IClassFixture<CloneShop>;

[Trait("Category", "Matrix")]
public sealed class TruncateAndReloadResetTests(TruncateReloadShop db) : ResetScenarios<TruncateReloadShop>(db), IClassFixture<TruncateReloadShop>;
