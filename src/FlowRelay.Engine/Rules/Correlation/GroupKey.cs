using System.Runtime.InteropServices;
using FlowRelay.Engine.Rules.Fields;

namespace FlowRelay.Engine.Rules.Correlation;

/// <summary>
/// One field value of a group key held by value: an address (its two halves and family), a number,
/// or text (up to 16 bytes inline, longer text as its 128-bit XXH128 hash). Kind 0 means absent.
/// </summary>
public readonly record struct KeyPart(ulong A, ulong B, int Kind)
{
    /// <summary>Reads <paramref name="field"/> from <paramref name="e"/> without allocating.</summary>
    [System.Runtime.CompilerServices.SkipLocalsInit]
    public static KeyPart Read<T>(FieldAccessor<T> field, in T e) where T : struct
    {
        switch (field.Kind)
        {
            case FieldKind.Ip:
                return field.Ip!(in e, out var a) ? new KeyPart(a.Hi, a.Lo, a.Family) : default;
            case FieldKind.Number:
                return field.Number!(in e, out long n) ? new KeyPart((ulong)n, 0, 10) : default;
            default:
                Span<byte> buf = stackalloc byte[FieldAccessor<T>.MaxTextLength];
                int len = field.Text!(in e, buf);
                if (len < 0) return default;
                if (len <= 16)
                {
                    Span<byte> pad = stackalloc byte[16];
                    pad.Clear();
                    buf[..len].CopyTo(pad);
                    return new KeyPart(MemoryMarshal.Read<ulong>(pad), MemoryMarshal.Read<ulong>(pad[8..]), 100 + len);
                }
                // Longer text (DNS names and subdomains, the values value_count counts) is hashed: XXH128,
                // 128 bits make a collision negligible (about 2^-64 for 2^32 values), and it costs tens
                // of nanoseconds where SHA-256 cost hundreds. Keys live only in this process's memory.
                var h = System.IO.Hashing.XxHash128.HashToUInt128(buf[..len]);
                return new KeyPart((ulong)(h >> 64), (ulong)h, 200);
        }
    }
}

/// <summary>The values of a correlation's group-by fields for one event (at most <see cref="MaxParts"/>), by value.</summary>
public struct GroupKey : IEquatable<GroupKey>
{
    /// <summary>Most group-by fields a correlation may name.</summary>
    public const int MaxParts = 4;

    public KeyPart P0, P1, P2, P3;

    public KeyPart this[int i]
    {
        readonly get => i switch { 0 => P0, 1 => P1, 2 => P2, _ => P3 };
        set
        {
            switch (i)
            {
                case 0: P0 = value; break;
                case 1: P1 = value; break;
                case 2: P2 = value; break;
                default: P3 = value; break;
            }
        }
    }

    public readonly bool Equals(GroupKey other) => P0 == other.P0 && P1 == other.P1 && P2 == other.P2 && P3 == other.P3;

    public override readonly bool Equals(object? obj) => obj is GroupKey k && Equals(k);

    public override readonly int GetHashCode() => HashCode.Combine(P0, P1, P2, P3);
}
