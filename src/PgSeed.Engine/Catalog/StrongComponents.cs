namespace PgSeed.Engine.Catalog;

/// <summary>
/// Strongly connected components of a table graph: Tarjan's algorithm, iterative, so a long FK chain cannot overflow
/// the stack. The import order breaks cycles with it; the plan's picture marks them.
/// </summary>
internal static class StrongComponents
{
    /// <summary>The groups of <paramref name="nodes"/> that reach each other along <paramref name="edges"/> (node → the nodes it points to).</summary>
    public static List<HashSet<TableName>> Find(IEnumerable<TableName> nodes, Dictionary<TableName, List<TableName>> edges)
    {
        var index = new Dictionary<TableName, int>();
        var low = new Dictionary<TableName, int>();
        var onStack = new HashSet<TableName>();
        var stack = new Stack<TableName>();
        var groups = new List<HashSet<TableName>>();
        var counter = 0;
        foreach (var root in nodes)
        {
            if (index.ContainsKey(root)) continue;
            // Explicit call stack: (node, next edge to look at).
            var work = new Stack<(TableName Node, int Edge)>();
            work.Push((root, 0));
            index[root] = low[root] = counter++;
            stack.Push(root);
            onStack.Add(root);
            while (work.Count > 0)
            {
                var (node, edge) = work.Pop();
                if (edge < edges[node].Count)
                {
                    work.Push((node, edge + 1));
                    var next = edges[node][edge];
                    if (!index.TryGetValue(next, out var nextIndex))
                    {
                        index[next] = low[next] = counter++;
                        stack.Push(next);
                        onStack.Add(next);
                        work.Push((next, 0));
                    }
                    else if (onStack.Contains(next)) low[node] = Math.Min(low[node], nextIndex);
                    continue;
                }
                if (low[node] == index[node])
                {
                    var group = new HashSet<TableName>();
                    TableName member;
                    do
                    {
                        member = stack.Pop();
                        onStack.Remove(member);
                        group.Add(member);
                    } while (member != node);
                    groups.Add(group);
                }
                if (work.Count > 0)
                {
                    var parent = work.Peek().Node;
                    low[parent] = Math.Min(low[parent], low[node]);
                }
            }
        }
        return groups;
    }
}
