//! `disclose serve` stays inside its site and on this computer: traversal in every spelling,
//! symlinks out of the tree, loopback-only by default, a clear error for a busy port.

mod serve_fixture;

use std::net::{IpAddr, Ipv4Addr, TcpListener};

use clap::Parser;
use disclose::cli::{Cli, Command};
use disclose::serve::{DEFAULT_PORT, ServeError, ServeOptions, Server};
use serve_fixture::{Site, get, raw_get};

#[test]
fn nothing_outside_the_site_is_served() {
    let site = Site::new();
    let outside = site.dir.path().join("secret");
    std::fs::create_dir_all(&outside).expect("outside folder");
    std::fs::write(outside.join("secret.txt"), "TOP-SECRET").expect("secret");
    std::fs::write(site.dir.path().join("secret.txt"), "TOP-SECRET").expect("secret");
    std::fs::create_dir_all(site.root().join("static")).expect("static");
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink(
            outside.join("secret.txt"),
            site.root().join("static/leak.txt"),
        )
        .expect("link");
        symlink(&outside, site.root().join("static/leakdir")).expect("link");
    }
    let server = site.serve();
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/2023/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/content/2023/alpha.toml",
        "/site.toml",
        "/static/leak.txt",
        "/leak.txt",
        "/leakdir/secret.txt",
    ] {
        let got = get(&server, path);
        assert_ne!(got.status, 200, "{path}");
        assert!(!got.body.contains("TOP-SECRET"), "{path}");
        assert!(!got.body.contains("甲项目 初稿\"\nyear"), "{path}");
    }
    for path in [
        "/../../../../../../etc/passwd",
        "/../secret.txt",
        "/2023/../../secret.txt",
    ] {
        let response = raw_get(&server, path);
        assert!(response.starts_with("HTTP/1.1 4"), "{path}: {response}");
        assert!(!response.contains("TOP-SECRET") && !response.contains("root:"));
    }
}

#[test]
fn it_listens_on_loopback_only_by_default() {
    assert_eq!(ServeOptions::new(".").bind, IpAddr::V4(Ipv4Addr::LOCALHOST));
    let cli = Cli::try_parse_from(["disclose", "serve"]).expect("parses");
    let Command::Serve { port, bind, open } = cli.command else {
        panic!("serve parses as Serve");
    };
    assert_eq!(
        (port, bind, open),
        (DEFAULT_PORT, IpAddr::V4(Ipv4Addr::LOCALHOST), false)
    );

    let site = Site::new();
    let server = site.serve();
    assert_eq!(server.addr().ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
    #[cfg(target_os = "linux")]
    {
        let listening = listening_addresses(server.addr().port());
        assert_eq!(
            listening,
            vec!["0100007F".to_string()],
            "only 127.0.0.1 listens"
        );
    }
}

/// Local addresses (kernel hex) of every socket listening on `port`, from /proc/net/tcp{,6}.
#[cfg(target_os = "linux")]
fn listening_addresses(port: u16) -> Vec<String> {
    let port = format!("{port:04X}");
    let mut found = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let text = std::fs::read_to_string(table).unwrap_or_default();
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (Some(local), Some(state)) = (fields.get(1), fields.get(3)) else {
                continue;
            };
            if *state == "0A" && local.ends_with(&format!(":{port}")) {
                found.push(local.split(':').next().unwrap_or_default().to_string());
            }
        }
    }
    found
}

#[test]
fn a_busy_port_is_a_clear_error() {
    let site = Site::new();
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let options = ServeOptions {
        port,
        quiet: true,
        ..ServeOptions::new(site.root())
    };
    let err = Server::start(options).err().expect("the port is busy");
    assert!(matches!(err, ServeError::PortInUse { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains(&port.to_string()) && message.contains("--port"),
        "{message}"
    );
}
