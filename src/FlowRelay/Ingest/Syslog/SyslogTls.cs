using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace FlowRelay.Ingest.Syslog;

/// <summary>
/// Server TLS settings for an RFC 5425 listener: the certificate and key from PEM files and,
/// when a client CA is given, mutual authentication (RFC 5425 §5.2): the client must present a
/// certificate that chains to that CA; without one the handshake fails and is counted.
/// </summary>
public static class SyslogTls
{
    /// <summary>Builds the options; throws with a message naming the file when it cannot be read.</summary>
    public static SslServerAuthenticationOptions Create(string certificatePem, string keyPem, string? clientCaPem)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(certificatePem, keyPem);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or ArgumentException)
        {
            throw new InvalidOperationException($"cannot load the TLS certificate '{certificatePem}' with key '{keyPem}': {e.Message}", e);
        }
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificate = certificate,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificateRequired = false,
        };
        if (!string.IsNullOrWhiteSpace(clientCaPem))
        {
            var roots = new X509Certificate2Collection();
            try
            {
                roots.ImportFromPemFile(clientCaPem);
            }
            catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException)
            {
                throw new InvalidOperationException($"cannot load the TLS client CA '{clientCaPem}': {e.Message}", e);
            }
            options.ClientCertificateRequired = true;
            options.RemoteCertificateValidationCallback = (_, cert, _, _) => ValidateClient(cert, roots);
        }
        return options;
    }

    private static bool ValidateClient(X509Certificate? presented, X509Certificate2Collection roots)
    {
        if (presented is null) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2")); // clientAuth
        using var cert = new X509Certificate2(presented);
        return chain.Build(cert);
    }
}
