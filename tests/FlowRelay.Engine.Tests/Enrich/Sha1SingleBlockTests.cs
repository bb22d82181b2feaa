using System.Security.Cryptography;
using FlowRelay.Engine.Enrich;

namespace FlowRelay.Engine.Tests.Enrich;

public class Sha1SingleBlockTests
{
    [Fact]
    public void Matches_the_platform_SHA1_for_every_length_that_fits_one_block()
    {
        var random = new Random(3);
        Span<byte> ours = stackalloc byte[20];
        for (int length = 0; length <= Sha1SingleBlock.MaxMessageLength; length++)
        {
            for (int i = 0; i < 200; i++)
            {
                byte[] message = new byte[length];
                random.NextBytes(message);
                Sha1SingleBlock.Hash(message, ours);
                Assert.Equal(SHA1.HashData(message), ours.ToArray());
            }
        }
    }

    [Fact]
    public void FIPS_180_example_abc() // FIPS 180-2 appendix A.1
    {
        Span<byte> digest = stackalloc byte[20];
        Sha1SingleBlock.Hash("abc"u8, digest);
        Assert.Equal("a9993e364706816aba3e25717850c26c9cd0d89d", Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void Eight_blocks_at_once_match_the_platform_SHA1_lane_by_lane()
    {
        var random = new Random(5);
        const int lanes = Sha1MultiBlock.Lanes;
        var words = new uint[16 * lanes];
        var state = new uint[5 * lanes];
        var block = new byte[64];
        for (int round = 0; round < 200; round++)
        {
            var messages = new byte[lanes][];
            for (int l = 0; l < lanes; l++)
            {
                messages[l] = new byte[random.Next(0, Sha1SingleBlock.MaxMessageLength + 1)];
                random.NextBytes(messages[l]);
                Array.Clear(block);
                messages[l].CopyTo(block, 0);
                block[messages[l].Length] = 0x80;
                System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(block.AsSpan(56), (ulong)messages[l].Length * 8);
                for (int t = 0; t < 16; t++) words[t * lanes + l] = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(block.AsSpan(t * 4));
            }

            Sha1MultiBlock.Compress(words, state);

            for (int l = 0; l < lanes; l++)
            {
                var digest = new byte[20];
                for (int i = 0; i < 5; i++) System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(digest.AsSpan(i * 4), state[i * lanes + l]);
                Assert.Equal(SHA1.HashData(messages[l]), digest);
            }
        }
    }
}
