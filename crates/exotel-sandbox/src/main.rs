//! `exotel-sandbox --port N`: runs the sandbox until interrupted and prints how to reach it.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use clap::Parser;
use exotel_sandbox::{DEMO_APP_ID, DEMO_APP_SECRET, DEMO_USER_ID, Sandbox, SandboxConfig};

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
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    if !args.bind.is_loopback() {
        eprintln!("exotel-sandbox: --bind must be a loopback address such as 127.0.0.1");
        return std::process::ExitCode::from(2);
    }
    let sandbox = match Sandbox::start_with(
        SocketAddr::new(args.bind, args.port),
        SandboxConfig::default(),
    )
    .await
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "exotel-sandbox: could not listen on {}:{}: {e}",
                args.bind, args.port
            );
            return std::process::ExitCode::from(1);
        }
    };
    #[allow(clippy::print_stdout)] // the binary's whole purpose is to say where it listens
    {
        println!("Exotel sandbox listening on {}", sandbox.url());
        println!("  host:    {}", sandbox.url());
        println!("  app id:  {DEMO_APP_ID}");
        println!("  secret:  {DEMO_APP_SECRET}   (a demo value, not a real credential)");
        println!("  user id: {DEMO_USER_ID}   (also: 2, agent+3)");
        println!(
            "Try: exotel-agent login --host {} --app-id {DEMO_APP_ID} --user-id {DEMO_USER_ID}",
            sandbox.url()
        );
        println!("Stop with Ctrl+C.");
    }
    let _ = tokio::signal::ctrl_c().await;
    std::process::ExitCode::SUCCESS
}
