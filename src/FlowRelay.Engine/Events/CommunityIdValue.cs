using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace FlowRelay.Engine.Events;

/// <summary>
/// A Community ID v1 string ("1:" + 28 base64 characters) stored inline as ASCII bytes, so the
/// value travels with its event without a string allocation.
/// </summary>
public struct CommunityIdValue
{
    /// <summary>Length of a Community ID v1 string: "1:" plus base64 of a 20-byte SHA-1.</summary>
    public const int Length = 30;

    private Buffer _bytes;

    /// <summary>True when a value has been computed.</summary>
    public bool HasValue;

    /// <summary>The ASCII bytes of the value (valid when <see cref="HasValue"/>).</summary>
    [UnscopedRef]
    public Span<byte> Bytes => _bytes;

    /// <summary>The value for reading, also through an <c>in</c> reference.</summary>
    [UnscopedRef]
    public readonly ReadOnlySpan<byte> Value => _bytes;

    [InlineArray(Length)]
    private struct Buffer
    {
        private byte _element0;
    }
}
