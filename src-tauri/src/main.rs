// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    software_rendering_by_default();
    exotel_agent_tray_lib::run()
}

/// The window is a small form: GPU compositing buys it nothing, and on Linux initialising GL
/// (GDK probes it at start-up; WebKit composites with it) maps Mesa and LLVM into every process,
/// about 30 MB of memory each, measured in docs/benchmarks.md. So GL is off unless the user
/// set these variables themselves.
fn software_rendering_by_default() {
    if !cfg!(target_os = "linux") {
        return;
    }
    for (name, value) in [("GDK_GL", "disable"), ("WEBKIT_DISABLE_COMPOSITING_MODE", "1")] {
        if std::env::var_os(name).is_none() {
            // SAFETY: called first thing in main, before any other thread exists, so nothing
            // can read the environment concurrently.
            #[allow(unsafe_code)]
            unsafe {
                std::env::set_var(name, value)
            };
        }
    }
}
