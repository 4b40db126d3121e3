using System.Net;
using System.Security.Cryptography.X509Certificates;
using Carteiro.Core;
using Carteiro.Core.Accounts;
using Carteiro.Hosting;
using Carteiro.Protocols.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Carteiro.TestKit;

/// <summary>
/// A real Carteiro server in this process: real Kestrel sockets on 127.0.0.1 with an ephemeral
/// port, a real SQLite file in a fresh temporary folder. Passwords hash with few iterations so
/// tests can make many accounts quickly.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private CarteiroServer? _server;

    private TestServer(CarteiroServer server, string dataPath, CarteiroOptions options, X509Certificate2 certificate)
    {
        _server = server;
        DataPath = dataPath;
        Options = options;
        Certificate = certificate;
    }

    /// <summary>The self-signed certificate the mail doors present (made for this server, for "localhost").</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Where the certificate's PEM file is, for clients outside this process (curl, Python).</summary>
    public string CertificatePath => Path.Combine(DataPath, "tls", "localhost.crt.pem");

    /// <summary>SMTP submission (STARTTLS offered).</summary>
    public IPEndPoint Smtp => Server.SmtpEndPoint!;

    /// <summary>SMTP submission over implicit TLS.</summary>
    public IPEndPoint Submissions => Server.SubmissionsEndPoint!;

    /// <summary>POP3 (STLS offered).</summary>
    public IPEndPoint Pop3 => Server.Pop3EndPoint!;

    /// <summary>POP3 over implicit TLS.</summary>
    public IPEndPoint Pop3s => Server.Pop3sEndPoint!;

    /// <summary>IMAP (STARTTLS offered).</summary>
    public IPEndPoint Imap => Server.ImapEndPoint!;

    /// <summary>IMAP over implicit TLS.</summary>
    public IPEndPoint Imaps => Server.ImapsEndPoint!;

    /// <summary>The data folder (deleted on dispose).</summary>
    public string DataPath { get; }

    /// <summary>The options the server runs with.</summary>
    public CarteiroOptions Options { get; }

    /// <summary>The native protocol's address.</summary>
    public IPEndPoint Native => Server.NativeEndPoint!;

    /// <summary>Host to connect to.</summary>
    public string Host => Native.Address.ToString();

    /// <summary>The HTTP door's base address, such as <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri HttpBase => new($"http://{Server.HttpEndPoint}/");

    /// <summary>Native protocol port.</summary>
    public int Port => Native.Port;

    /// <summary>The running server.</summary>
    public CarteiroServer Server => _server ?? throw new ObjectDisposedException(nameof(TestServer));

    /// <summary>Starts a server; <paramref name="configure"/> may change the options.</summary>
    public static async Task<TestServer> StartAsync(Func<CarteiroOptions, CarteiroOptions>? configure = null, string? dataPath = null, CancellationToken cancellationToken = default)
    {
        // Every test connects from 127.0.0.1: tests of wrong passwords must not lock out the others.
        var options = CarteiroOptions.Default with { PasswordIterations = 1000, SignInFreeFailuresPerAddress = 10_000 };
        options = configure?.Invoke(options) ?? options;
        dataPath ??= TempFolder.Create("carteiro-test");

        // The mail doors speak TLS with a certificate made for this server.
        string tls = Path.Combine(dataPath, "tls");
        Directory.CreateDirectory(tls);
        string certificatePath = Path.Combine(tls, "localhost.crt.pem");
        string keyPath = Path.Combine(tls, "localhost.key.pem");
        if (!File.Exists(certificatePath))
        {
            using var made = SelfSignedCertificate.Create("localhost", TimeSpan.FromDays(2));
            await SelfSignedCertificate.WritePemAsync(made, certificatePath, keyPath, cancellationToken).ConfigureAwait(false);
        }

        var server = await CarteiroServer.StartAsync(new ServerSettings
        {
            DataPath = dataPath,
            Native = new IPEndPoint(IPAddress.Loopback, 0),
            Http = new IPEndPoint(IPAddress.Loopback, 0),
            Smtp = new IPEndPoint(IPAddress.Loopback, 0),
            Submissions = new IPEndPoint(IPAddress.Loopback, 0),
            Pop3 = new IPEndPoint(IPAddress.Loopback, 0),
            Pop3s = new IPEndPoint(IPAddress.Loopback, 0),
            Imap = new IPEndPoint(IPAddress.Loopback, 0),
            Imaps = new IPEndPoint(IPAddress.Loopback, 0),
            Tls = (certificatePath, keyPath),
            Options = options,
            LogLevel = LogLevel.Warning,
            ShutdownTimeout = TimeSpan.FromSeconds(5),
        }, cancellationToken).ConfigureAwait(false);
        return new TestServer(server, dataPath, options, X509CertificateLoader.LoadCertificateFromFile(certificatePath));
    }

    /// <summary>Creates an account directly (not through a door).</summary>
    public Task<Account> CreateUserAsync(string name, string password = Passwords.Default, bool admin = false) =>
        Server.Services.GetRequiredService<AccountService>().CreateAsync(name, password, admin, CancellationToken.None);

    /// <summary>Creates several accounts with the default password.</summary>
    public async Task<IReadOnlyList<string>> CreateUsersAsync(string prefix, int count)
    {
        var names = new List<string>(count);
        for (int i = 0; i < count; i++)
        {
            var account = await CreateUserAsync($"{prefix}{i}").ConfigureAwait(false);
            names.Add(account.Name);
        }

        return names;
    }

    /// <summary>Stops the server and keeps the data folder (to restart on it).</summary>
    public async Task StopAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
            _server = null;
        }
    }

    /// <summary>Stops the server and deletes its data folder.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        TempFolder.Delete(DataPath);
    }
}

/// <summary>Passwords used by tests.</summary>
public static class Passwords
{
    /// <summary>The password every test account gets unless a test says otherwise.</summary>
    public const string Default = "correct horse battery";
}
