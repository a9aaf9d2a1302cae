using PgSeed.Engine.Catalog;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using static PgSeed.Engine.Tests.Planning.PlannerKit;

namespace PgSeed.Engine.Tests.Planning;

/// <summary>
/// The planner on catalog shapes that have broken other subsetting tools, in memory: catalogs are built by hand
/// (<see cref="CatalogBuilder"/>), no PostgreSQL is involved. What the plan decides here — tables, edges, each table's
/// role, import order — is what the closure and the export tests then run against real data.
/// </summary>
[Trait("Category", "InMemory")] // needs no PostgreSQL
public class SubsetPlannerTests
{
    /// <summary>
    /// Three cycles in one strongly connected component: a ⇄ b, b ⇄ c, and a → c → b → a. The NOT NULL FKs
    /// (b.a_id, c.b_id) decide the import order; only nullable FKs are broken.
    /// </summary>
    private static CatalogBuilder ThreeCycles() => new CatalogBuilder()
        .Table("a", ["id", "b_id?", "c_id?"], primaryKey: ["id"])
        .Table("b", ["id", "a_id", "c_id?"], primaryKey: ["id"])
        .Table("c", ["id", "b_id"], primaryKey: ["id"])
        .ForeignKey("a_b_id_fkey", "a", "b_id", "b", "id")
        .ForeignKey("a_c_id_fkey", "a", "c_id", "c", "id")
        .ForeignKey("b_a_id_fkey", "b", "a_id", "a", "id")
        .ForeignKey("b_c_id_fkey", "b", "c_id", "c", "id")
        .ForeignKey("c_b_id_fkey", "c", "b_id", "b", "id");

    [Fact]
    public void Several_cycles_in_one_component_are_followed_both_ways_and_broken_only_at_nullable_fks()
    {
        var plan = Plan(ThreeCycles(), Root("a", "where id = 1"));

        Assert.Equal(["a: root down parent-steps", "b: down parent-steps", "c: down parent-steps"], Roles(plan));
        Assert.Equal(["root", "child of public.a via b_a_id_fkey", "child of public.b via c_b_id_fkey"], plan.Tables.Select(t => t.Reason));
        Assert.Equal(["a.a_b_id_fkey", "a.a_c_id_fkey", "b.b_a_id_fkey", "b.b_c_id_fkey", "c.c_b_id_fkey"], Edges(plan.ParentEdges));
        Assert.Equal(["b.b_a_id_fkey", "a.a_b_id_fkey", "c.c_b_id_fkey", "a.a_c_id_fkey", "b.b_c_id_fkey"], Edges(plan.ChildEdges));
        // Every row set carries the FK columns its steps read, never the key twice.
        Assert.Equal(["b_id", "c_id"], plan.Table("a").Payload);
        Assert.Equal(["a_id", "c_id"], plan.Table("b").Payload);
        Assert.Equal(["b_id"], plan.Table("c").Payload);

        Assert.Equal(["a", "b", "c"], Names(plan.ImportOrder));
        var order = ImportOrder.Order(plan.Tables.Select(t => t.Name).ToList(), plan.ParentEdges.Concat(plan.ChildEdges).Distinct().ToList());
        Assert.Equal(["a.a_b_id_fkey", "a.a_c_id_fkey", "b.b_c_id_fkey"], Edges(order.BrokenForeignKeys));
        Assert.All(order.BrokenForeignKeys, fk => Assert.False(fk.Mandatory));
    }

    [Fact]
    public void A_root_named_again_as_an_include_keeps_the_reason_root()
    {
        var catalog = new CatalogBuilder().Table("orders", ["id"], primaryKey: ["id"]).Table("tag", ["id"], primaryKey: ["id"]);

        var plan = Plan(catalog, Root("orders", "where id = 1"), Root("tag"), Root("orders", "where id = 2"));

        Assert.Equal(["root", "included"], plan.Tables.Select(t => t.Reason));
    }

    [Fact]
    public void Planning_twice_on_one_catalog_adds_a_virtual_fk_once()
    {
        var catalog = new CatalogBuilder()
            .Table("orders", ["id"], primaryKey: ["id"])
            .Table("audit", ["id", "row_id"], primaryKey: ["id"])
            .Build();
        var request = Request(Root("orders", "where id = 1")) with
        {
            VirtualForeignKeys = [new VirtualForeignKey { Table = "audit", Columns = ["row_id"], References = "orders", ReferencedColumns = ["id"] }],
        };

        var first = SubsetPlanner.Plan(catalog, request, NullSeedLog.Instance);
        var second = SubsetPlanner.Plan(catalog, request, NullSeedLog.Instance);

        Assert.Single(catalog.Resolve("audit", "table").ForeignKeys);
        Assert.Single(catalog.Resolve("orders", "table").ReferencedBy);
        Assert.Equal(Roles(first), Roles(second));
        Assert.Equal(["audit.virtual_audit_row_id"], Edges(second.ChildEdges));
    }

    [Fact]
    public void An_unfiltered_root_makes_a_whole_cycle_complete_through_its_mandatory_fks()
    {
        var plan = Plan(ThreeCycles(), Root("a"));

        Assert.Equal(["a: root down all parent-steps", "b: down all parent-steps", "c: down all parent-steps"], Roles(plan));
        Assert.All(plan.Tables, t => Assert.False(t.HasKeyTable));
    }

    [Fact]
    public void A_root_inside_a_cycle_reaches_the_rest_of_the_cycle_as_children()
    {
        var plan = Plan(ThreeCycles(), Root("c", "where id = 7"));

        Assert.Equal(["c: root down parent-steps", "a: down parent-steps", "b: down parent-steps"], Roles(plan));
        Assert.Equal(["root", "child of public.c via a_c_id_fkey", "child of public.c via b_c_id_fkey"], plan.Tables.Select(t => t.Reason));
        Assert.Equal(new TableName?[] { null, new TableName("public", "c"), new TableName("public", "c") }, plan.Tables.Select(t => t.TreeParent));
        var root = Assert.Single(plan.Roots);
        Assert.Same(plan.Table("c"), root.Table);
        Assert.Equal("where id = 7", root.Selection.Filter);
        Assert.Equal(["a", "b", "c"], Names(plan.ImportOrder));
    }

    [Fact]
    public void Without_children_the_rest_of_a_cycle_is_reached_as_parents_only()
    {
        var plan = Plan(ThreeCycles(), Request(Root("c", "where id = 7")) with { Children = ChildrenMode.None });

        Assert.Equal(["c: root down parent-steps", "b: parent-steps", "a: parent-steps"], Roles(plan));
        Assert.Equal(["root", "parent of public.c via c_b_id_fkey", "parent of public.b via b_a_id_fkey"], plan.Tables.Select(t => t.Reason));
        Assert.Empty(plan.ChildEdges);
        Assert.Equal(["c.c_b_id_fkey", "b.b_a_id_fkey", "b.b_c_id_fkey", "a.a_b_id_fkey", "a.a_c_id_fkey"], Edges(plan.ParentEdges));
    }

    /// <summary>An employee has a manager and a mentor, both employees.</summary>
    private static CatalogBuilder DoubleSelfReference() => new CatalogBuilder()
        .Table("company", ["id"], primaryKey: ["id"])
        .Table("employee", ["id", "company_id", "manager_id?", "mentor_id?"], primaryKey: ["id"])
        .ForeignKey("employee_company_id_fkey", "employee", "company_id", "company", "id")
        .ForeignKey("employee_manager_id_fkey", "employee", "manager_id", "employee", "id")
        .ForeignKey("employee_mentor_id_fkey", "employee", "mentor_id", "employee", "id");

    [Fact]
    public void A_table_with_two_self_references_follows_both_up_and_down_and_needs_no_cycle_break()
    {
        var plan = Plan(DoubleSelfReference(), Root("employee", "where id = 1"));

        Assert.Equal(["employee: root down parent-steps", "company: parent-steps"], Roles(plan));
        Assert.Equal(["employee.employee_company_id_fkey", "employee.employee_manager_id_fkey", "employee.employee_mentor_id_fkey"], Edges(plan.ParentEdges));
        Assert.Equal(["employee.employee_manager_id_fkey", "employee.employee_mentor_id_fkey"], Edges(plan.ChildEdges));
        Assert.Equal(["company_id", "manager_id", "mentor_id"], plan.Table("employee").Payload);
        var order = ImportOrder.Order(plan.Tables.Select(t => t.Name).ToList(), plan.ParentEdges.Concat(plan.ChildEdges).Distinct().ToList());
        Assert.Equal(["company", "employee"], order.Tables.Select(t => t.Name));
        Assert.Empty(order.BrokenForeignKeys);
    }

    [Fact]
    public void A_doubly_self_referencing_child_is_never_single_entry()
    {
        // Three child FKs lead into employee (company's, and its own two): rows can arrive more than once.
        var plan = Plan(DoubleSelfReference(), Root("company", "where id = 1"));
        Assert.Equal(["company: root down parent-steps", "employee: down parent-steps"], Roles(plan));
        Assert.Equal("child of public.company via employee_company_id_fkey", plan.Table("employee").Reason);

        // Below an unfiltered root the mandatory company FK makes every employee exported; the self-references are nullable.
        var full = Plan(DoubleSelfReference(), Root("company"));
        Assert.Equal(["company: root down all parent-steps", "employee: down all parent-steps"], Roles(full));
    }

    [Fact]
    public void Composite_self_references_carry_only_their_non_key_columns()
    {
        var catalog = new CatalogBuilder()
            .Table("node", ["tenant", "id", "parent_id?", "previous_id?"], primaryKey: ["tenant", "id"])
            .ForeignKey("node_parent_fkey", "node", ["tenant", "parent_id"], "node", ["tenant", "id"])
            .ForeignKey("node_previous_fkey", "node", ["tenant", "previous_id"], "node", ["tenant", "id"]);
        var plan = Plan(catalog, Root("node", "where tenant = 1"));

        var node = Assert.Single(plan.Tables);
        Assert.Equal("node: root down parent-steps", Role(node));
        Assert.Equal(["tenant", "id"], node.KeyColumns);
        Assert.Equal(["parent_id", "previous_id"], node.Payload);
        Assert.All(plan.ParentEdges, fk => Assert.False(fk.Mandatory)); // NOT NULL tenant, nullable reference
    }

    /// <summary>
    /// Invoices and notes reference an account by (tenant, code), a unique key that is not the primary key; an
    /// invoice's code may be NULL (then it references nothing), a note's may not.
    /// </summary>
    private static CatalogBuilder CompositeToUniqueKey() => new CatalogBuilder()
        .Table("account", ["id", "tenant", "code"], primaryKey: ["id"])
        .Unique("account", "account_tenant_code_key", "tenant", "code")
        .Table("invoice", ["id", "tenant", "account_code?"], primaryKey: ["id"])
        .Table("note", ["id", "tenant", "account_code"], primaryKey: ["id"])
        .ForeignKey("invoice_account_fkey", "invoice", ["tenant", "account_code"], "account", ["tenant", "code"])
        .ForeignKey("note_account_fkey", "note", ["tenant", "account_code"], "account", ["tenant", "code"]);

    [Fact]
    public void A_composite_fk_to_a_unique_key_with_a_nullable_part_never_makes_its_table_complete()
    {
        var plan = Plan(CompositeToUniqueKey(), Root("account"));

        Assert.Equal(["account: root down all parent-steps", "invoice: down entry=invoice_account_fkey", "note: down all"], Roles(plan));
        // An invoice with a NULL code references no account: the invoices are those of the accounts, in a row set
        // of their own (the parent is complete, so there is no parent row set to derive them from).
        var invoice = plan.Table("invoice");
        Assert.True(invoice.HasKeyTable);
        Assert.True(invoice.Wide);
        Assert.Equal(["tenant", "account_code"], invoice.Payload);
        // The referenced columns are not the account's key: its row set carries them for the child steps.
        Assert.Equal(["tenant", "code"], plan.Table("account").Payload);
        Assert.Equal(["account", "invoice", "note"], Names(plan.ImportOrder));
    }

    [Fact]
    public void Composite_fks_to_a_unique_key_of_a_filtered_root_derive_their_leaves_from_the_root_rows()
    {
        var plan = Plan(CompositeToUniqueKey(), Root("account", "where tenant = 1"));

        Assert.Equal(["account: root down", "invoice: down entry=invoice_account_fkey derived=invoice_account_fkey",
            "note: down entry=note_account_fkey derived=note_account_fkey"], Roles(plan));
        var account = plan.Table("account");
        Assert.Same(account, plan.Table("invoice").DerivedParent);
        Assert.Same(account, plan.Table("note").DerivedParent);
        Assert.False(plan.Table("invoice").HasKeyTable);
        // The derived tables' rows are read by joining the account's row set on the unique key's columns.
        Assert.Equal(["tenant", "code"], account.Payload);
        Assert.Equal("s.\"code\"", account.Stored("s", "code"));
    }

    [Fact]
    public void A_table_without_a_usable_key_is_keyed_by_ctid_and_a_unique_key_without_nulls_is_a_row_key()
    {
        // ledger has no primary key but a NOT NULL unique key; posting's unique key has a nullable column, so it is
        // no row key: posting's rows are identified by (tableoid, ctid).
        var catalog = new CatalogBuilder()
            .Table("ledger", ["tenant", "code", "amount?"])
            .Unique("ledger", "ledger_key", "tenant", "code")
            .Table("posting", ["tenant", "code?", "line"])
            .Unique("posting", "posting_key", "tenant", "code", "line")
            .ForeignKey("posting_ledger_fkey", "posting", ["tenant", "code"], "ledger", ["tenant", "code"]);
        var plan = Plan(catalog, Root("posting", "where line < 3"));

        Assert.Equal(["posting: root down ctid", "ledger: parent-steps"], Roles(plan));
        var posting = plan.Table("posting");
        Assert.True(posting.HasKeyTable);
        Assert.False(posting.Wide);
        Assert.Equal(["pgseed_k0", "pgseed_k1"], posting.KeyTableColumns);
        Assert.Equal(["tenant", "code"], posting.Payload);
        var ledger = plan.Table("ledger");
        Assert.Equal(["tenant", "code"], ledger.KeyColumns);
        Assert.Empty(ledger.Payload);
    }

    /// <summary>
    /// A small shop: customers of a country buy purchases (one maybe a gift for another customer) of lines of
    /// products from suppliers; products have reviews.
    /// </summary>
    private static CatalogBuilder Shop() => new CatalogBuilder()
        .Table("country", ["id"], primaryKey: ["id"])
        .Table("customer", ["id", "country_id"], primaryKey: ["id"])
        .Table("purchase", ["id", "customer_id", "gift_for?"], primaryKey: ["id"])
        .Table("line", ["purchase_id", "no", "product_id"], primaryKey: ["purchase_id", "no"])
        .Table("supplier", ["id"], primaryKey: ["id"])
        .Table("product", ["id", "supplier_id?"], primaryKey: ["id"])
        .Table("review", ["id", "product_id"], primaryKey: ["id"])
        .ForeignKey("customer_country_id_fkey", "customer", "country_id", "country", "id")
        .ForeignKey("purchase_customer_id_fkey", "purchase", "customer_id", "customer", "id")
        .ForeignKey("purchase_gift_for_fkey", "purchase", "gift_for", "customer", "id")
        .ForeignKey("line_purchase_id_fkey", "line", "purchase_id", "purchase", "id")
        .ForeignKey("line_product_id_fkey", "line", "product_id", "product", "id")
        .ForeignKey("product_supplier_id_fkey", "product", "supplier_id", "supplier", "id")
        .ForeignKey("review_product_id_fkey", "review", "product_id", "product", "id");

    [Fact]
    public void Children_are_followed_below_the_roots_only()
    {
        var plan = Plan(Shop(), Root("customer", "where id = 1"));

        // Reviews hang from products, which are reached only as parents: they are not exported.
        Assert.Equal(["customer: root down parent-steps", "purchase: down", "country: parent-steps",
            "line: down entry=line_purchase_id_fkey", "product: parent-steps", "supplier: parent-steps"], Roles(plan));
        Assert.Equal(["root", "child of public.customer via purchase_customer_id_fkey", "parent of public.customer via customer_country_id_fkey",
            "child of public.purchase via line_purchase_id_fkey", "parent of public.line via line_product_id_fkey",
            "parent of public.product via product_supplier_id_fkey"], plan.Tables.Select(t => t.Reason));
        Assert.Equal(["purchase.purchase_customer_id_fkey", "purchase.purchase_gift_for_fkey", "line.line_purchase_id_fkey"], Edges(plan.ChildEdges));
        // A line leads on to its product: it keeps a row set of its own, filled by one FK (no unique index).
        Assert.True(plan.Table("line").SingleEntry);
        Assert.False(plan.Table("line").Derived);
        Assert.Equal(["country", "customer", "purchase", "supplier", "product", "line"], Names(plan.ImportOrder));
    }

    [Fact]
    public void Without_children_only_the_roots_and_their_parents_take_part()
    {
        var plan = Plan(Shop(), Request(Root("customer", "where id = 1")) with { Children = ChildrenMode.None });

        Assert.Equal(["customer: root down", "country: parent-steps"], Roles(plan));
        Assert.Empty(plan.ChildEdges);
        Assert.Equal(["customer.customer_country_id_fkey"], Edges(plan.ParentEdges));
    }

    [Fact]
    public void A_full_export_fills_lookup_tables_from_the_complete_tables_in_one_statement()
    {
        var plan = Plan(Shop(), Root("customer"));

        // Every purchase references some customer (NOT NULL), every line some purchase: all complete. Countries are
        // parents of complete tables only; suppliers are parents of products, which are not complete.
        Assert.Equal(["customer: root down all parent-steps", "purchase: down all parent-steps", "country: parent-steps from-complete",
            "line: down all", "product: parent-steps from-complete", "supplier: parent-steps"], Roles(plan));
    }

    [Fact]
    public void An_excluded_edge_is_not_descended_but_still_followed_to_parents()
    {
        var plan = Plan(Shop(), Request(Root("customer", "where id = 1")) with { ExcludedEdges = ["public.purchase.purchase_customer_id_fkey"] });

        Assert.Equal("child of public.customer via purchase_gift_for_fkey", plan.Table("purchase").Reason);
        Assert.Equal(["purchase.purchase_gift_for_fkey", "line.line_purchase_id_fkey"], Edges(plan.ChildEdges));
        Assert.Contains("purchase.purchase_customer_id_fkey", Edges(plan.ParentEdges));
        Assert.Equal("purchase: down", Role(plan.Table("purchase")));

        // Excluding the only way down to lines leaves lines, and the products only they reference, out.
        var noLines = Plan(Shop(), Request(Root("customer", "where id = 1")) with { ExcludedEdges = ["line.line_purchase_id_fkey"] });
        Assert.Equal(["customer", "purchase", "country"], Names(noLines.Tables));
    }

    [Fact]
    public void An_excluded_edge_of_a_self_reference_stops_descending_that_reference_only()
    {
        var plan = Plan(DoubleSelfReference(), Request(Root("employee", "where id = 1")) with { ExcludedEdges = ["employee.employee_mentor_id_fkey"] });

        Assert.Equal(["employee.employee_manager_id_fkey"], Edges(plan.ChildEdges));
        Assert.Equal(["employee.employee_company_id_fkey", "employee.employee_manager_id_fkey", "employee.employee_mentor_id_fkey"], Edges(plan.ParentEdges));
    }

    [Fact]
    public void References_into_excluded_tables_are_refused_or_exported_as_null_when_nullable_and_opted_in()
    {
        var notNull = Assert.Throws<PgSeedException>(() => Plan(Shop(), Request(Root("customer", "where id = 1")) with { ExcludedTables = ["country"] }));
        Assert.Equal(ErrorCode.ExcludedTableReferenced, notNull.Code);
        Assert.Equal("public.customer", notNull.Table);

        var nullable = Request(Root("customer", "where id = 1")) with { ExcludedTables = ["supplier"] };
        Assert.Equal(ErrorCode.ExcludedTableReferenced, Assert.Throws<PgSeedException>(() => Plan(Shop(), nullable)).Code);
        var log = new RecordingSeedLog();
        var plan = SubsetPlanner.Plan(Shop().Build(), nullable with { NullReferencesToExcludedTables = true }, log);
        Assert.DoesNotContain("supplier", Names(plan.Tables));
        Assert.Equal("NULL", plan.Table("product").Transforms["supplier_id"]);
        Assert.Contains("public.product.product_supplier_id_fkey references excluded table public.supplier: exported as NULL", log.Of("detail"));
    }

    [Fact]
    public void A_where_rule_keeps_a_table_out_of_the_complete_ones_and_out_of_single_entry()
    {
        var request = Request(Root("customer")) with { Rules = [new TableRule { Table = "purchase", Where = "id > @min", WhereParameters = new Dictionary<string, object?> { ["min"] = 10 } }] };
        var plan = Plan(Shop(), request);

        var purchase = plan.Table("purchase");
        Assert.Equal("purchase: down", Role(purchase));
        Assert.Equal("id > @min", purchase.Where);
        Assert.Equal(10, purchase.WhereParameters["min"]);
        // Lines hang from purchases, which are no longer complete, so lines are not either: one FK fills their row set.
        Assert.Equal("line: down entry=line_purchase_id_fkey", Role(plan.Table("line")));
        Assert.Equal("customer: root down all parent-steps", Role(plan.Table("customer")));
    }
}
