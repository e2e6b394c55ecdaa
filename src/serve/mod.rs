//! `disclose serve`: preview the site locally, with drafts, a 预览 marker on every page,
//! diagnostics drawn over the page, and live reload after each saved edit.
//!
//! The site is rendered by the same [`crate::build::render_to_memory`] as `build` and held in
//! memory: `serve` writes nothing (least of all `public/`) and answers only from the rendered
//! files. Three threads share the work: the HTTP server (tokio + axum), the file watcher
//! (notify), and the rebuild loop that turns a burst of edits into one build and then
//! publishes it to every open tab.
//!
//! [`Server::start`] returns once the first build is in place and the port is bound, with the
//! bound address, so tests and the bench can run a real server in-process.

mod http;
mod overlay;
mod reload;
mod state;
mod terminal;
mod watch;

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use state::{Builder, Changes, Snapshot};
use terminal::Terminal;
use watch::{Rebuilder, Signal};

/// The port `serve` uses unless told otherwise.
pub const DEFAULT_PORT: u16 = 1111;

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site folder.
    pub root: PathBuf,
    /// Loopback unless the user asks otherwise: a preview shows unpublished drafts.
    pub bind: IpAddr,
    /// 0 picks a free port (tests).
    pub port: u16,
    /// Open the preview in the default browser.
    pub open: bool,
    /// Print nothing (tests and the bench).
    pub quiet: bool,
    /// Quiet period after the last file event before a rebuild starts.
    pub debounce: Duration,
}

impl ServeOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        ServeOptions {
            root: root.into(),
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            open: false,
            quiet: false,
            debounce: Duration::from_millis(50),
        }
    }
}

/// Why the preview could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("{path}: cannot open the site folder: {source}")]
    Root { path: PathBuf, source: io::Error },
    #[error(
        "cannot listen on {addr}: the port is already in use (another `disclose serve`?); choose another with --port"
    )]
    PortInUse { addr: SocketAddr },
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: io::Error },
    #[error("{path}: cannot watch for changes: {source}")]
    Watch {
        path: PathBuf,
        source: notify::Error,
    },
    #[error("cannot start the server: {0}")]
    Runtime(io::Error),
}

/// A running preview. Dropping it (or [`Server::shutdown`]) stops it.
pub struct Server {
    addr: SocketAddr,
    signals: mpsc::Sender<Signal>,
    stop: tokio::sync::watch::Sender<bool>,
    rebuilder: Option<JoinHandle<()>>,
    http: Option<JoinHandle<()>>,
}

impl Server {
    /// Bind, build once, start watching and serving; returns when the preview is reachable.
    pub fn start(options: ServeOptions) -> Result<Server, ServeError> {
        let root = options
            .root
            .canonicalize()
            .map_err(|source| ServeError::Root {
                path: options.root.clone(),
                source,
            })?;
        let listener = bind(SocketAddr::new(options.bind, options.port))?;
        let addr = listener.local_addr().map_err(ServeError::Runtime)?;
        let terminal = Terminal {
            quiet: options.quiet,
        };
        let url = format!("http://{addr}/");
        terminal.serving(
            &url,
            &options.root.display().to_string(),
            addr.ip().is_loopback(),
        );
        // Watch before the first build, so an edit made while it runs is not lost.
        let (signals, received) = mpsc::channel();
        let watcher = watch::watch(&root, signals.clone())?;
        let mut builder = Builder::new(&root);
        let (first, outcome) = builder.build(&Snapshot::default(), &Changes::everything());
        terminal.rebuilt(&outcome, &first);
        let (snapshots, receiver) = tokio::sync::watch::channel(Arc::new(first));
        let rebuilder = Rebuilder {
            root: root.clone(),
            builder,
            snapshots,
            watcher,
            signals: received,
            debounce: options.debounce,
            terminal,
        };
        let rebuilder = std::thread::Builder::new()
            .name("disclose-rebuild".into())
            .spawn(move || rebuilder.run())
            .map_err(ServeError::Runtime)?;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let http = spawn_http(listener, receiver, stopped)?;
        let server = Server {
            addr,
            signals,
            stop,
            rebuilder: Some(rebuilder),
            http: Some(http),
        };
        if options.open
            && let Err(err) = open::that_detached(&url)
        {
            terminal.note(&format!(
                "cannot open a browser: {err}; open {url} yourself"
            ));
        }
        Ok(server)
    }

    /// The address actually bound (useful with port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:1111/`
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Block until the server stops (for the command line, that is until Ctrl-C ends the process).
    pub fn wait(mut self) {
        if let Some(http) = self.http.take() {
            let _ = http.join();
        }
    }

    /// Stop watching and serving, and wait for both to finish.
    pub fn shutdown(mut self) {
        self.stop_all();
    }

    fn stop_all(&mut self) {
        // The rebuild loop owns the snapshot sender: once it ends, every event stream ends,
        // which lets the HTTP server finish its graceful shutdown.
        let _ = self.signals.send(Signal::Stop);
        if let Some(rebuilder) = self.rebuilder.take() {
            let _ = rebuilder.join();
        }
        let _ = self.stop.send(true);
        if let Some(http) = self.http.take() {
            let _ = http.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop_all();
    }
}

fn bind(addr: SocketAddr) -> Result<TcpListener, ServeError> {
    let listener = TcpListener::bind(addr).map_err(|source| match source.kind() {
        io::ErrorKind::AddrInUse => ServeError::PortInUse { addr },
        _ => ServeError::Bind { addr, source },
    })?;
    listener
        .set_nonblocking(true)
        .map_err(|source| ServeError::Bind { addr, source })?;
    Ok(listener)
}

/// Run axum on its own runtime thread until `stopped` turns true (then at most two more
/// seconds for open connections).
fn spawn_http(
    listener: TcpListener,
    snapshots: tokio::sync::watch::Receiver<Arc<Snapshot>>,
    stopped: tokio::sync::watch::Receiver<bool>,
) -> Result<JoinHandle<()>, ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("disclose-http")
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    let listener = {
        let _guard = runtime.enter();
        tokio::net::TcpListener::from_std(listener).map_err(ServeError::Runtime)?
    };
    let app = http::router(snapshots);
    std::thread::Builder::new()
        .name("disclose-serve".into())
        .spawn(move || {
            runtime.block_on(async move {
                let mut graceful = stopped.clone();
                let mut deadline = stopped;
                let serving = axum::serve(listener, app).with_graceful_shutdown(async move {
                    let _ = graceful.wait_for(|stop| *stop).await;
                });
                tokio::select! {
                    _ = serving => {}
                    _ = async move {
                        let _ = deadline.wait_for(|stop| *stop).await;
                        tokio::time::sleep(Duration::from_secs(2)).await;
                    } => {}
                }
            });
        })
        .map_err(ServeError::Runtime)
}
