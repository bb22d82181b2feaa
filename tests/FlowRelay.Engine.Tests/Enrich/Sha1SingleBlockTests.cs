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
}
