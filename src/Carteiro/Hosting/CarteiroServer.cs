using System.Net;
using Carteiro.Core;
using Carteiro.Core.Accounts;
using Carteiro.Core.Delivery;
using Carteiro.Core.Live;
using Carteiro.Core.Storage;
using Carteiro.Protocols.Common;
using Carteiro.Protocols.Native;
using Carteiro.Protocols.Smtp;
using Carteiro.Storage.Sqlite;
using Carteiro.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Carteiro.Hosting;

/// <summary>
/// One Carteiro server: the store, the hub and every door on one Kestrel host. Used by
/// <c>carteiro serve</c> and, in-process, by the tests.
/// </summary>
public sealed class CarteiroServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly DataFolder _data;
    private readonly ListenOptions? _native;
    private readonly ListenOptions? _http;
    private readonly ListenOptions? _smtp;
    private readonly ListenOptions? _submissions;
    private readonly SqliteMailStore _store;

    private CarteiroServer(WebApplication app, DataFolder data, SqliteMailStore store, ListenOptions? native, ListenOptions? http, ListenOptions? smtp, ListenOptions? submissions)
    {
        _app = app;
        _data = data;
        _store = store;
        _native = native;
        _http = http;
        _smtp = smtp;
        _submissions = submissions;
    }

    /// <summary>Where the native protocol listens (the bound port when 0 was asked for).</summary>
    public IPEndPoint? NativeEndPoint => _native?.IPEndPoint;

    /// <summary>Where HTTP listens (the bound port when 0 was asked for).</summary>
    public IPEndPoint? HttpEndPoint => _http?.IPEndPoint;

    /// <summary>Where SMTP submission listens (the bound port when 0 was asked for).</summary>
    public IPEndPoint? SmtpEndPoint => _smtp?.IPEndPoint;

    /// <summary>Where SMTP submission over implicit TLS listens.</summary>
    public IPEndPoint? SubmissionsEndPoint => _submissions?.IPEndPoint;

    /// <summary>The data folder.</summary>
    public string DataPath => _data.Path;

    /// <summary>The server's services, for tests and operator tooling.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Completes when the server has stopped.</summary>
    public Task Completion => _app.WaitForShutdownAsync();

    /// <summary>Locks the data folder, opens the store and starts listening.</summary>
    public static async Task<CarteiroServer> StartAsync(ServerSettings settings, CancellationToken cancellationToken)
    {
        // A bad certificate is reported before anything is locked or opened.
        var tls = settings.Tls is var (certificate, key) ? TlsSettings.FromPemFiles(certificate, key) : null;
        if (settings.Submissions is not null && tls is null)
        {
            throw new InvalidOperationException("SMTP over implicit TLS needs a certificate (--tls-cert and --tls-key)");
        }

        var data = DataFolder.OpenExclusive(settings.DataPath);
        var store = new SqliteMailStore(data.DatabasePath);
        try
        {
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);

            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
            builder.Logging.SetMinimumLevel(settings.LogLevel);
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning);

            // A failed start (say, the port is taken) is reported by the caller in one line.
            builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
            builder.WebHost.UseShutdownTimeout(settings.ShutdownTimeout);

            // Signals are the caller's business (the CLI cancels on Ctrl-C / SIGTERM; tests stop explicitly).
            builder.Services.AddSingleton<IHostLifetime, QuietLifetime>();

            var options = settings.Options;
            var services = builder.Services;
            services.AddSingleton(options);
            services.AddSingleton(TimeProvider.System);
            services.AddSingleton<IMailStore>(store);
            services.AddSingleton<SessionHub>();
            services.AddSingleton(sp => new SignInThrottle(sp.GetRequiredService<TimeProvider>(), options));
            services.AddSingleton<AccountService>();
            services.AddSingleton<MailService>();
            services.AddSingleton(new ConnectionLimiter(options.MaxConnectionsPerAddress));
            services.AddSingleton(_ => new IdleMonitor(TimeSpan.FromSeconds(1)));
            services.AddSingleton(sp => new NativeServices(
                sp.GetRequiredService<AccountService>(),
                sp.GetRequiredService<MailService>(),
                sp.GetRequiredService<SessionHub>(),
                options,
                sp.GetRequiredService<ConnectionLimiter>(),
                sp.GetRequiredService<IdleMonitor>(),
                sp.GetRequiredService<ILoggerFactory>(),
                sp.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping));

            services.AddSingleton(sp => new SmtpConnectionHandler(new SmtpServices(
                sp.GetRequiredService<AccountService>(),
                sp.GetRequiredService<MailService>(),
                options,
                sp.GetRequiredService<ConnectionLimiter>(),
                sp.GetRequiredService<IdleMonitor>(),
                tls,
                sp.GetRequiredService<ILoggerFactory>(),
                sp.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping)));

            if (settings.Http is not null)
            {
                services.AddCarteiroWeb();
            }

            ListenOptions? native = null;
            ListenOptions? http = null;
            ListenOptions? smtp = null;
            ListenOptions? submissions = null;
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.AddServerHeader = false;
                if (settings.Native is { } endpoint)
                {
                    kestrel.Listen(endpoint, listen =>
                    {
                        listen.UseConnectionHandler<NativeConnectionHandler>();
                        native = listen;
                    });
                }

                if (settings.Http is { } web)
                {
                    kestrel.Listen(web, listen =>
                    {
                        DeadPeerDetection.Apply(listen);
                        http = listen;
                    });
                }

                if (settings.Smtp is { } submission)
                {
                    kestrel.Listen(submission, listen =>
                    {
                        var handler = listen.ApplicationServices.GetRequiredService<SmtpConnectionHandler>();
                        listen.Run(connection => handler.HandleAsync(connection, implicitTls: false));
                        smtp = listen;
                    });
                }

                if (settings.Submissions is { } secure)
                {
                    kestrel.Listen(secure, listen =>
                    {
                        var handler = listen.ApplicationServices.GetRequiredService<SmtpConnectionHandler>();
                        listen.Run(connection => handler.HandleAsync(connection, implicitTls: true));
                        submissions = listen;
                    });
                }

                // Sends may carry a whole message; RequestLimits sets each request's own cap.
                kestrel.Limits.MaxRequestBodySize = WebDoor.LargestRequestBody(options);
            });

            var app = builder.Build();
            if (settings.Http is not null)
            {
                app.MapCarteiroWeb();
            }

            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            return new CarteiroServer(app, data, store, native, http, smtp, submissions);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            data.Dispose();
            throw;
        }
    }

    /// <summary>Stops gracefully: stop accepting, finish what is in flight, close the store.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _app.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops (if still running), disposes the services (the store drains its writes) and unlocks the data folder.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);

            // Last: every session has ended, so the writer drains what they queued, then closes.
            await _store.DisposeAsync().ConfigureAwait(false);
            _data.Dispose();
        }
    }
}
