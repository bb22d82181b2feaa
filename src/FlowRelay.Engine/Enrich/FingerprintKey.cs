namespace FlowRelay.Engine.Enrich;

/// <summary>
/// A <see cref="BoundedCache{TKey,TValue}"/> key that is a 64-bit fingerprint of the real key
/// (built from <see cref="FastHash"/>, so where a key lands cannot be worked out from outside)
/// instead of the key itself: a slot takes 8 bytes for it however large the key, so a table far
/// larger than the cache takes less of the memory a lookup misses in. Its low 32 bits are the hash
/// the table picks the set and tag from. Two keys are taken for one only when all 64 bits agree.
/// Used by the pairing table (<see cref="FlowKey.Fingerprint"/>) and the DNS answer tables.
/// </summary>
public readonly struct FingerprintKey(ulong value) : IEquatable<FingerprintKey>
{
    /// <summary>The fingerprint.</summary>
    public readonly ulong Value = value;

    /// <summary>The hash the table files the key under (<see cref="GetHashCode"/>).</summary>
    public int Hash => (int)Value;

    public bool Equals(FingerprintKey other) => Value == other.Value;

    public override bool Equals(object? obj) => obj is FingerprintKey k && Equals(k);

    public override int GetHashCode() => Hash;
}
