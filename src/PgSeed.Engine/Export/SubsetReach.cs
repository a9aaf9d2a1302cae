using PgSeed.Engine.Catalog;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Export;

/// <summary>
/// Planning, step 1: which tables take part and along which FKs rows flow. From the roots, every FK of a reached
/// table is followed up to its parent (always: integrity), and from descendant tables (roots, and tables reached as
/// children) every FK referencing them is followed down to its child (unless <c>--children none</c>, an excluded
/// edge or an excluded child). Breadth-first in a fixed order, so indexes, reasons and tree parents are deterministic.
/// </summary>
/// <param name="Tables">Reached tables in discovery order (roots first).</param>
/// <param name="ParentEdges">FKs followed from referencing rows to the rows they reference, in discovery order.</param>
/// <param name="ChildEdges">FKs followed from descendant rows down to the rows referencing them, in discovery order.</param>
/// <param name="NulledReferences">FKs of reached tables into excluded tables, exported as NULL (opted in).</param>
internal sealed record SubsetReach(
    IReadOnlyList<ReachedTable> Tables,
    IReadOnlyList<ForeignKeyInfo> ParentEdges,
    IReadOnlyList<ForeignKeyInfo> ChildEdges,
    IReadOnlyList<ForeignKeyInfo> NulledReferences)
{
    public static SubsetReach Walk(DatabaseCatalog catalog, PlanScope scope, ExportRequest request) =>
        new Walker(catalog, scope, request).Run();

    /// <summary>The walk's working state; what it hands on is the immutable <see cref="SubsetReach"/>.</summary>
    private sealed class Walker(DatabaseCatalog catalog, PlanScope scope, ExportRequest request)
    {
        private sealed class Node(TableInfo info, int index)
        {
            public TableInfo Info { get; } = info;
            public int Index { get; } = index;
            public bool IsRoot { get; set; }
            public bool Down { get; set; }
            public string Reason { get; set; } = "";
            public TableName? TreeParent { get; set; }
        }

        private readonly Dictionary<TableName, Node> _nodes = new();
        private readonly List<Node> _order = [];
        private readonly List<ForeignKeyInfo> _parentEdges = [];
        private readonly List<ForeignKeyInfo> _childEdges = [];
        private readonly List<ForeignKeyInfo> _nulledReferences = [];

        public SubsetReach Run()
        {
            foreach (var root in scope.Roots)
            {
                var node = Add(root.Table);
                // A table named again (the main root also given as an --include) keeps the reason it got first.
                if (!node.IsRoot) node.Reason = root.Included ? "included" : "root";
                node.IsRoot = true;
                node.Down = true;
            }
            var queue = new Queue<Node>(_order);
            var visitedDown = new HashSet<TableName>();
            var visitedAny = new HashSet<TableName>();
            while (queue.Count > 0)
            {
                var node = queue.Dequeue();
                if (node.Down && visitedDown.Add(node.Info.Name) && request.Children == ChildrenMode.All)
                    FollowChildren(node, queue);
                if (visitedAny.Add(node.Info.Name))
                    FollowParents(node, queue, visitedAny);
            }
            return new SubsetReach(
                _order.Select(n => new ReachedTable(n.Info, n.Index, n.IsRoot, n.Down, n.Reason, n.TreeParent)).ToList(),
                _parentEdges, _childEdges, _nulledReferences);
        }

        private void FollowChildren(Node node, Queue<Node> queue)
        {
            foreach (var fk in node.Info.ReferencedBy.OrderBy(f => f.Child).ThenBy(f => f.Name, StringComparer.Ordinal))
            {
                if (scope.ExcludedEdges.Contains(fk) || scope.ExcludedTables.Contains(fk.Child)) continue;
                var child = Add(catalog[fk.Child]);
                if (!_childEdges.Contains(fk)) _childEdges.Add(fk);
                // First reached as a descendant (roots already are): that is the reason worth showing,
                // even if the table was reached as a parent before.
                if (!child.Down)
                {
                    child.Reason = $"child of {node.Info.Name.Display} via {Identifier.QuoteIfNeeded(fk.Name)}";
                    child.TreeParent = node.Info.Name;
                    child.Down = true;
                    queue.Enqueue(child);
                }
            }
        }

        private void FollowParents(Node node, Queue<Node> queue, HashSet<TableName> visitedAny)
        {
            foreach (var fk in node.Info.ForeignKeys.OrderBy(f => f.Parent).ThenBy(f => f.Name, StringComparer.Ordinal))
            {
                if (scope.ExcludedTables.Contains(fk.Parent))
                {
                    if (!fk.Virtual && !request.KeepReferencesToExcludedTables)
                        _nulledReferences.Add(ExcludedReference(node.Info, fk, request.NullReferencesToExcludedTables));
                    continue;
                }
                var parent = Add(catalog[fk.Parent]);
                if (!_parentEdges.Contains(fk)) _parentEdges.Add(fk);
                if (parent.Reason.Length == 0)
                {
                    parent.Reason = $"parent of {node.Info.Name.Display} via {Identifier.QuoteIfNeeded(fk.Name)}";
                    parent.TreeParent = node.Info.Name;
                }
                if (!visitedAny.Contains(parent.Info.Name)) queue.Enqueue(parent);
            }
        }

        private Node Add(TableInfo info)
        {
            if (_nodes.TryGetValue(info.Name, out var node)) return node;
            node = new Node(info, _order.Count);
            _nodes[info.Name] = node;
            _order.Add(node);
            return node;
        }

        /// <summary>
        /// An FK from an exported table into an excluded one: the seed would not import, so it is an error unless
        /// every FK column is nullable and the user opted in to exporting it as NULL.
        /// </summary>
        private static ForeignKeyInfo ExcludedReference(TableInfo child, ForeignKeyInfo fk, bool nullAllowed)
        {
            var nullable = fk.Columns.All(c => child.Column(c)?.NotNull == false);
            if (nullable && nullAllowed) return fk;
            throw new PgSeedException(ErrorCode.ExcludedTableReferenced,
                $"{child.Name.Display} is exported but its foreign key {fk.Display} references excluded table {fk.Parent.Display}, so the seed would not import. " +
                (nullable
                    ? "Its columns are nullable: opt in to exporting them as NULL (\"nullExcludedReferences\": true), or stop excluding the table."
                    : "Its columns are NOT NULL: stop excluding the table, or exclude the referencing table too."))
                { Table = child.Name.Display, Column = string.Join(", ", fk.Columns) };
        }
    }
}

/// <summary>A table the walk reached, and how it was first reached.</summary>
/// <param name="Info">The table.</param>
/// <param name="Index">Position in discovery order; names the key table <c>pg_temp.pgseed_k{Index}</c>.</param>
/// <param name="IsRoot">Named by the request (<c>--table</c>, <c>--include</c>).</param>
/// <param name="Down">Its rows can be descendants of a root (so they pull in their own children).</param>
/// <param name="Reason">Why it takes part: <c>root</c>, <c>included</c>, <c>child of ... via ...</c>, <c>parent of ... via ...</c>.</param>
/// <param name="TreeParent">The table it hangs from in the summary tree (null for roots).</param>
internal sealed record ReachedTable(TableInfo Info, int Index, bool IsRoot, bool Down, string Reason, TableName? TreeParent)
{
    public TableName Name => Info.Name;
}
