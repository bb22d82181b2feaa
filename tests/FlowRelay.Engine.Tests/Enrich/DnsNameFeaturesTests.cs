using FlowRelay.Engine.Enrich;

namespace FlowRelay.Engine.Tests.Enrich;

public class DnsNameFeaturesTests
{
    [Fact]
    public void Ordinary_name_looks_ordinary()
    {
        var f = DnsNameFeatures.Compute("www.google.com", "www");
        Assert.Equal(14, f.Length);
        Assert.Equal(3, f.LabelCount);
        Assert.Equal(6, f.LongestLabelLength);
        Assert.Equal(3, f.SubdomainLength);
        Assert.Equal(0.0, f.SubdomainEntropy, 6); // "www": one symbol
        Assert.Equal((0, 3, 0, 0), (f.Digits, f.Letters, f.Hyphens, f.Other));
        Assert.False(f.LooksLikeHex || f.LooksLikeBase32 || f.LooksLikeBase64);
    }

    [Fact]
    public void Iodine_like_base32_label_is_flagged()
    {
        // Shaped like iodine's downstream queries: base32 data in long labels under the tunnel domain.
        const string sub = "paaaaabzhbxq4k7mjv2gc3tfnzrw63lnmuqgq5dbmvzgg3thbzcu.ab2c3d4e5f6g7h";
        var f = DnsNameFeatures.Compute(sub + ".t.example.com.", sub + ".t");
        Assert.Equal(sub.Length + ".t.example.com".Length, f.Length);
        Assert.Equal(5, f.LabelCount);
        Assert.Equal(52, f.LongestLabelLength);
        Assert.True(f.LooksLikeBase32);
        Assert.False(f.LooksLikeHex);
        Assert.False(f.LooksLikeBase64);
        Assert.True(f.SubdomainEntropy > 4.0, $"entropy {f.SubdomainEntropy}");
        Assert.True(f.Digits > 0 && f.Letters > 0);
    }

    [Fact]
    public void Hex_label_is_hex_not_base32()
    {
        var f = DnsNameFeatures.Compute("4f6e65206d6f7265207365637265742e.exfil.example.net", "4f6e65206d6f7265207365637265742e.exfil");
        Assert.True(f.LooksLikeHex);
        Assert.False(f.LooksLikeBase32);
        Assert.Equal(0, f.Hyphens + f.Other);
    }

    [Fact]
    public void Mixed_case_base64_is_base64()
    {
        var f = DnsNameFeatures.Compute("SGVsbG8gV29ybGQhIFRoaXMgaXM.c2.example.org", "SGVsbG8gV29ybGQhIFRoaXMgaXM.c2");
        Assert.True(f.LooksLikeBase64);
        Assert.False(f.LooksLikeBase32);
    }

    [Fact]
    public void Long_word_without_digits_is_not_encoded_data()
    {
        var f = DnsNameFeatures.Compute("verylongsubdomainnamehere.example.com", "verylongsubdomainnamehere");
        Assert.False(f.LooksLikeBase32 || f.LooksLikeHex || f.LooksLikeBase64);
    }

    [Fact]
    public void Character_classes_and_entropy_of_the_subdomain_only()
    {
        var f = DnsNameFeatures.Compute("a-b_1.x.example.com", "a-b_1.x");
        Assert.Equal((1, 3, 1, 1), (f.Digits, f.Letters, f.Hyphens, f.Other));
        Assert.Equal(6, f.SubdomainLength);
        Assert.Equal(Math.Log2(6), f.SubdomainEntropy, 9); // six distinct characters
    }

    [Fact]
    public void Registered_domain_itself_has_an_empty_subdomain()
    {
        var f = DnsNameFeatures.Compute("example.co.uk", "");
        Assert.Equal(3, f.LabelCount);
        Assert.Equal(0, f.SubdomainLength);
        Assert.Equal(0.0, f.SubdomainEntropy);
    }

    [Fact]
    public void Computing_features_allocates_nothing()
    {
        const string name = "paaaaabzhbxq4k7mjv2gc3tfnzrw63lnmuqgq5dbmvzgg3thbzcu.t.example.com";
        DnsNameFeatures.Compute(name, name.AsSpan(0, 54));
        long before = GC.GetAllocatedBytesForCurrentThread();
        double sum = 0;
        for (int i = 0; i < 1000; i++) sum += DnsNameFeatures.Compute(name, name.AsSpan(0, 54)).SubdomainEntropy;
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(sum > 0);
    }
}
