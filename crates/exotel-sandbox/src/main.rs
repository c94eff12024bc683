//! `exotel-sandbox --port N`: runs the sandbox until interrupted and prints how to reach it.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use clap::Parser;
use exotel_sandbox::{DEMO_APP_ID, DEMO_APP_SECRET, DEMO_USER_ID, RateLimits, Sandbox, SandboxConfig};

/// A local server that behaves like Exotel's integrations API (token, device, usermapping),
/// with faults on demand under /_sandbox/.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// Address to bind. Only loopback addresses are accepted: the sandbox is for this machine.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,
    /// Reads (usermapping) allowed per minute per app id, as Exotel's account limit; unlimited if unset.
    #[arg(long)]
    reads_per_min: Option<u32>,
    /// Writes (device, token) allowed per minute per app id; unlimited if unset.
    #[arg(long)]
    writes_per_min: Option<u32>,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    if !args.bind.is_loopback() {
        eprintln!("exotel-sandbox: --bind must be a loopback address such as 127.0.0.1");
        return std::process::ExitCode::from(2);
    }
    let limits = RateLimits { reads_per_min: args.reads_per_min, writes_per_min: args.writes_per_min };
    let config = SandboxConfig { limits, ..SandboxConfig::default() };
    let sandbox = match Sandbox::start_with(SocketAddr::new(args.bind, args.port), config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("exotel-sandbox: could not listen on {}:{}: {e}", args.bind, args.port);
            return std::process::ExitCode::from(1);
        }
    };
    let url = sandbox.url();
    let banner = format!(
        "Exotel sandbox listening on {url}\n  host:    {url}\n  app id:  {DEMO_APP_ID}\n  secret:  {DEMO_APP_SECRET}   (a demo value, not a real credential)\n  user id: {DEMO_USER_ID}   (also: 2, agent+3)\nTry: exotel-agent login --host {url} --app-id {DEMO_APP_ID} --user-id {DEMO_USER_ID}\nFaults and state: see the exotel_sandbox::admin docs (/_sandbox/...). Stop with Ctrl+C.\n"
    );
    // A closed stdout (a parent that read only the first line) must not stop the server.
    let mut out = std::io::stdout();
    let _ = out.write_all(banner.as_bytes()).and_then(|()| out.flush());
    let _ = tokio::signal::ctrl_c().await;
    std::process::ExitCode::SUCCESS
}
