using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Carteiro.Protocols.Common;

/// <summary>A self-signed server certificate (ECDSA P-256) for trying TLS: <c>carteiro cert</c> and the tests.</summary>
public static class SelfSignedCertificate
{
    /// <summary>A certificate for <paramref name="host"/> (a name or an address), valid from now for <paramref name="validity"/>.</summary>
    public static X509Certificate2 Create(string host, TimeSpan validity)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        if (IPAddress.TryParse(host, out var address))
        {
            names.AddIpAddress(address);
        }
        else
        {
            names.AddDnsName(host);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now + validity);
    }

    /// <summary>Writes <paramref name="certificate"/> and its private key as PEM files; the key file is readable by its owner only.</summary>
    public static async Task WritePemAsync(X509Certificate2 certificate, string certificatePath, string keyPath, CancellationToken cancellationToken)
    {
        using var key = certificate.GetECDsaPrivateKey() ?? throw new ArgumentException("the certificate has no ECDSA private key", nameof(certificate));
        await File.WriteAllTextAsync(certificatePath, certificate.ExportCertificatePem() + "\n", cancellationToken).ConfigureAwait(false);
        var keyFile = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            keyFile.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var file = new FileStream(keyPath, keyFile);
        await using var writer = new StreamWriter(file);
        await writer.WriteLineAsync(key.ExportPkcs8PrivateKeyPem().AsMemory(), cancellationToken).ConfigureAwait(false);
    }
}
