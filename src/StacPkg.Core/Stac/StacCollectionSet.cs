namespace StacPkg.Core.Stac;

/// <summary>
/// Collections by id, the first of each id kept. Instances already compared are remembered, so
/// a million Items that carry the same Collection cost one comparison, not a million.
/// </summary>
public sealed class StacCollectionSet
{
    private readonly Dictionary<string, StacCollection> _byId = new(StringComparer.Ordinal);
    private readonly HashSet<StacCollection> _seen = new(ReferenceEqualityComparer.Instance);

    public int Count => _byId.Count;

    /// <summary>Adds <paramref name="collection"/> unless its id is taken; false when the id is taken by a different document.</summary>
    public bool Add(StacCollection collection)
    {
        if (!_seen.Add(collection))
        {
            return true;
        }
        if (_byId.TryAdd(collection.Id, collection))
        {
            return true;
        }
        return _byId[collection.Id].ToJsonText() == collection.ToJsonText();
    }

    /// <summary>Adds <paramref name="collection"/>, replacing one of the same id.</summary>
    public void Set(StacCollection collection)
    {
        _byId[collection.Id] = collection;
        _seen.Add(collection);
    }

    public bool Contains(string id) => _byId.ContainsKey(id);

    /// <summary>The Collection with id <paramref name="id"/>, or null.</summary>
    public StacCollection? Find(string? id) => id is not null && _byId.TryGetValue(id, out var collection) ? collection : null;

    /// <summary>The Collections in ordinal order of their ids.</summary>
    public IReadOnlyList<StacCollection> Sorted() => [.. _byId.Values.OrderBy(c => c.Id, StringComparer.Ordinal)];
}
