//! The benchmark's library: the fleet simulations (`agent-bench fleet`, `agent-bench outage`)
//! and the simulated time
//! it runs in. The binary's other measurements live in `main.rs` and `measure.rs`.

pub mod fleet;
pub mod outage;
pub mod sim_time;
