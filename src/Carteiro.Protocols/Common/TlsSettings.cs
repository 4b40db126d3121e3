using System.Security.Cryptography.X509Certificates;

namespace Carteiro.Protocols.Common;

/// <summary>The server's TLS certificate (with its private key), for STARTTLS and implicit TLS.</summary>
public sealed class TlsSettings(X509Certificate2 certificate)
{
    /// <summary>The certificate presented to clients.</summary>
    public X509Certificate2 Certificate { get; } = certificate;

    /// <summary>Loads a PEM certificate (chain) and its PEM private key.</summary>
    public static TlsSettings FromPemFiles(string certificatePath, string keyPath) =>
        new(X509Certificate2.CreateFromPemFile(certificatePath, keyPath));
}
