using System.Net;
using Carteiro.Core;
using Carteiro.Core.Accounts;
using Carteiro.Core.Delivery;
using Carteiro.Core.Live;
using Carteiro.Core.Storage;
using Carteiro.Protocols.Common;
using Carteiro.Protocols.Native;
using Carteiro.Protocols.Imap;
using Carteiro.Protocols.Pop3;
using Carteiro.Protocols.Smtp;
using Carteiro.Storage.Sqlite;
using Carteiro.Web;
using Carteiro.Web.Autoconfig;
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
    private readonly NativeListener? _native;
    private readonly ListenOptions? _http;
    private readonly ListenOptions? _smtp;
    private readonly ListenOptions? _submissions;
    private readonly ListenOptions? _pop3;
    private readonly ListenOptions? _pop3s;
    private readonly ListenOptions? _imap;
    private readonly ListenOptions? _imaps;
    private readonly SqliteMailStore _store;

    private CarteiroServer(WebApplication app, DataFolder data, SqliteMailStore store, Listeners listeners)
    {
        _app = app;
        _data = data;
        _store = store;
        _native = app.Services.GetService<NativeListener>();
        _http = listeners.Http;
        _smtp = listeners.Smtp;
        _submissions = listeners.Submissions;
        _pop3 = listeners.Pop3;
        _pop3s = listeners.Pop3s;
        _imap = listeners.Imap;
        _imaps = listeners.Imaps;
    }

    /// <summary>Where the native protocol listens (the bound port when 0 was asked for).</summary>
    public IPEndPoint? NativeEndPoint => _native?.EndPoint;

    /// <summary>Where HTTP listens (the bound port when 0 was asked for).</summary>
    public IPEndPoint? HttpEndPoint => _http?.IPEndPoint;

    /// <summary>Where SMTP submission listens (the bound port when 0 was asked for).</summary>
    public IPEndPoint? SmtpEndPoint => _smtp?.IPEndPoint;

    /// <summary>Where SMTP submission over implicit TLS listens.</summary>
    public IPEndPoint? SubmissionsEndPoint => _submissions?.IPEndPoint;

    /// <summary>Where POP3 listens.</summary>
    public IPEndPoint? Pop3EndPoint => _pop3?.IPEndPoint;

    /// <summary>Where POP3 over implicit TLS listens.</summary>
    public IPEndPoint? Pop3sEndPoint => _pop3s?.IPEndPoint;

    /// <summary>Where IMAP listens.</summary>
    public IPEndPoint? ImapEndPoint => _imap?.IPEndPoint;

    /// <summary>Where IMAP over implicit TLS listens.</summary>
    public IPEndPoint? ImapsEndPoint => _imaps?.IPEndPoint;

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
        if ((settings.Submissions is not null || settings.Pop3s is not null || settings.Imaps is not null) && tls is null)
        {
            throw new InvalidOperationException("implicit TLS listeners need a certificate (--tls-cert and --tls-key)");
        }

        var data = DataFolder.OpenExclusive(settings.DataPath);
        var store = new SqliteMailStore(data.DatabasePath);
        try
        {
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);

            // Nothing is read from the working directory (the web assets are embedded): rooting the
            // host at the executable and not watching its settings keeps it from walking the
            // working directory's whole tree for change tokens (from / that took seconds).
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
            {
                Args = ["--hostBuilder:reloadConfigOnChange=false"],
                ContentRootPath = AppContext.BaseDirectory,
            });
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

            if (settings.Native is { } nativeEndPoint)
            {
                // The native door has its own transport (see NativeListener); the others are Kestrel's.
                services.AddSingleton(sp => new NativeListener(nativeEndPoint, sp.GetRequiredService<NativeServices>()));
                services.AddHostedService(sp => sp.GetRequiredService<NativeListener>());
            }

            services.AddSingleton(sp => new MailDoorServices(
                sp.GetRequiredService<AccountService>(),
                sp.GetRequiredService<MailService>(),
                sp.GetRequiredService<SessionHub>(),
                options,
                sp.GetRequiredService<ConnectionLimiter>(),
                sp.GetRequiredService<IdleMonitor>(),
                tls,
                sp.GetRequiredService<ILoggerFactory>(),
                sp.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping));
            services.AddSingleton<MailListeners>();
            services.AddSingleton<SmtpConnectionHandler>();
            services.AddSingleton<Pop3ConnectionHandler>();
            services.AddSingleton<ImapConnectionHandler>();

            if (settings.Http is not null)
            {
                services.AddCarteiroWeb();
            }

            var listeners = new Listeners();
            if (settings.Http is null && settings.Smtp is null && settings.Submissions is null && settings.Pop3 is null
                && settings.Pop3s is null && settings.Imap is null && settings.Imaps is null)
            {
                services.AddSingleton<Microsoft.AspNetCore.Hosting.Server.IServer, NoKestrelDoors>();
            }

            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.AddServerHeader = false;
                if (settings.Http is { } web)
                {
                    kestrel.Listen(web, listen =>
                    {
                        DeadPeerDetection.Apply(listen);
                        listeners.Http = listen;
                    });
                }

                // The mail doors: each listener runs its door's handler, implicit TLS or not.
                void ListenMail<THandler>(IPEndPoint? endpoint, bool implicitTls, Func<THandler, ConnectionContext, bool, Task> run, Action<ListenOptions> keep)
                    where THandler : notnull
                {
                    if (endpoint is not null)
                    {
                        kestrel.Listen(endpoint, listen =>
                        {
                            var handler = listen.ApplicationServices.GetRequiredService<THandler>();
                            listen.Run(connection => run(handler, connection, implicitTls));
                            keep(listen);
                        });
                    }
                }

                ListenMail<SmtpConnectionHandler>(settings.Smtp, false, (h, c, t) => h.HandleAsync(c, t), l => listeners.Smtp = l);
                ListenMail<SmtpConnectionHandler>(settings.Submissions, true, (h, c, t) => h.HandleAsync(c, t), l => listeners.Submissions = l);
                ListenMail<Pop3ConnectionHandler>(settings.Pop3, false, (h, c, t) => h.HandleAsync(c, t), l => listeners.Pop3 = l);
                ListenMail<Pop3ConnectionHandler>(settings.Pop3s, true, (h, c, t) => h.HandleAsync(c, t), l => listeners.Pop3s = l);
                ListenMail<ImapConnectionHandler>(settings.Imap, false, (h, c, t) => h.HandleAsync(c, t), l => listeners.Imap = l);
                ListenMail<ImapConnectionHandler>(settings.Imaps, true, (h, c, t) => h.HandleAsync(c, t), l => listeners.Imaps = l);

                // RequestLimits caps what each request may carry; Kestrel's own cap is how much of
                // a refused body it reads away before it gives up on the connection.
                kestrel.Limits.MaxRequestBodySize = WebDoor.DrainableRequestBody(options);
            });

            var app = builder.Build();
            if (settings.Http is not null)
            {
                app.MapCarteiroWeb();
            }

            await app.StartAsync(cancellationToken).ConfigureAwait(false);

            // Now that ports are bound, the HTTP door can tell mail programs where the doors are.
            var mail = new List<MailListener>();
            void Describe(ListenOptions? listen, string protocol, MailSecurity security)
            {
                if (listen is not null)
                {
                    mail.Add(new MailListener(protocol, listen.IPEndPoint!.Port, security));
                }
            }

            var plain = tls is null ? MailSecurity.None : MailSecurity.StartTls;
            Describe(listeners.Smtp, "smtp", plain);
            Describe(listeners.Submissions, "smtp", MailSecurity.ImplicitTls);
            Describe(listeners.Pop3, "pop3", plain);
            Describe(listeners.Pop3s, "pop3", MailSecurity.ImplicitTls);
            Describe(listeners.Imap, "imap", plain);
            Describe(listeners.Imaps, "imap", MailSecurity.ImplicitTls);
            app.Services.GetRequiredService<MailListeners>().Set(mail);
            return new CarteiroServer(app, data, store, listeners);
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

    // Where each door ended up listening (Kestrel fills in ports asked for as 0).
    private sealed class Listeners
    {
        public ListenOptions? Http { get; set; }

        public ListenOptions? Smtp { get; set; }

        public ListenOptions? Submissions { get; set; }

        public ListenOptions? Pop3 { get; set; }

        public ListenOptions? Pop3s { get; set; }

        public ListenOptions? Imap { get; set; }

        public ListenOptions? Imaps { get; set; }
    }
}
