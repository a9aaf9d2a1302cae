using PgSeed.Engine.Catalog;

namespace PgSeed.Engine.Picture;

/// <summary>
/// Which FKs of a plan form cycles: a self-reference (a table referencing itself) or an FK between two tables of
/// the same strongly connected component (tables that reach each other through FKs, e.g. store ⇄ employee).
/// These are the rows and edges a tree cannot show, so the tree and the picture mark them.
/// </summary>
internal static class PlanCycles
{
    /// <summary>The FKs on a cycle, and for each table on a cycle the other tables of its cycle.</summary>
    public static (HashSet<ForeignKeyInfo> CycleEdges, Dictionary<TableName, List<TableName>> CycleMates) Find(
        IReadOnlyList<TableName> tables, IReadOnlyList<ForeignKeyInfo> edges)
    {
        var component = StronglyConnected(tables, edges);
        var cycleEdges = edges.Where(e => e.IsSelfReference || component[e.Child] == component[e.Parent]).ToHashSet();
        var mates = new Dictionary<TableName, List<TableName>>();
        foreach (var group in tables.GroupBy(t => component[t]).Where(g => g.Count() > 1))
            foreach (var t in group)
                mates[t] = group.Where(o => o != t).ToList();
        return (cycleEdges, mates);
    }

    /// <summary>Tarjan's algorithm (iterative, so a long FK chain cannot overflow the stack): table → component number.</summary>
    private static Dictionary<TableName, int> StronglyConnected(IReadOnlyList<TableName> tables, IReadOnlyList<ForeignKeyInfo> edges)
    {
        var next = tables.ToDictionary(t => t, _ => new List<TableName>());
        foreach (var e in edges)
            if (next.TryGetValue(e.Child, out var parents) && next.ContainsKey(e.Parent) && !e.IsSelfReference) parents.Add(e.Parent);
        var index = new Dictionary<TableName, int>();
        var low = new Dictionary<TableName, int>();
        var onStack = new HashSet<TableName>();
        var stack = new Stack<TableName>();
        var component = new Dictionary<TableName, int>();
        var counter = 0;
        var components = 0;
        foreach (var start in tables)
        {
            if (index.ContainsKey(start)) continue;
            var work = new Stack<(TableName Node, int Edge)>();
            work.Push((start, 0));
            index[start] = low[start] = counter++;
            stack.Push(start);
            onStack.Add(start);
            while (work.Count > 0)
            {
                var (node, edge) = work.Pop();
                if (edge < next[node].Count)
                {
                    work.Push((node, edge + 1));
                    var target = next[node][edge];
                    if (!index.TryGetValue(target, out var targetIndex))
                    {
                        index[target] = low[target] = counter++;
                        stack.Push(target);
                        onStack.Add(target);
                        work.Push((target, 0));
                    }
                    else if (onStack.Contains(target)) low[node] = Math.Min(low[node], targetIndex);
                    continue;
                }
                if (low[node] == index[node])
                {
                    TableName member;
                    do
                    {
                        member = stack.Pop();
                        onStack.Remove(member);
                        component[member] = components;
                    } while (member != node);
                    components++;
                }
                if (work.Count > 0)
                {
                    var parent = work.Peek().Node;
                    low[parent] = Math.Min(low[parent], low[node]);
                }
            }
        }
        return component;
    }
}
