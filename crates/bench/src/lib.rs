//! The benchmark's library: the fleet simulation (`agent-bench fleet`) and the simulated time
//! it runs in. The binary's other measurements live in `main.rs` and `measure.rs`.

pub mod fleet;
pub mod sim_time;
