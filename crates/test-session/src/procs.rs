//! Processes as Linux's `/proc` shows them, for tests and the benchmark that follow the app's
//! processes: each one's parent, whether it still runs, and a process with all it started.

/// Every process id there is now.
pub fn pids() -> Vec<u32> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .collect()
}

/// The fields of `/proc/<pid>/stat` after the command name (state, parent, ...).
fn stat_fields(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    Some(stat.rsplit_once(')')?.1.to_owned())
}

pub fn parent(pid: u32) -> Option<u32> {
    stat_fields(pid)?.split_whitespace().nth(1)?.parse().ok()
}

/// Running: it exists and is not a zombie waiting to be reaped.
pub fn alive(pid: u32) -> bool {
    stat_fields(pid).is_some_and(|s| s.split_whitespace().next() != Some("Z"))
}

/// `root` and every process under it.
pub fn tree(root: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = pids().into_iter().filter_map(|pid| Some((pid, parent(pid)?))).collect();
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        let p = out[i];
        out.extend(parents.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_is_in_its_parents_tree_and_not_alive_once_reaped() {
        let mut child = std::process::Command::new("sleep").arg("30").spawn().expect("sleep");
        let (me, pid) = (std::process::id(), child.id());
        assert_eq!(parent(pid), Some(me));
        assert!(alive(pid));
        assert!(tree(me).contains(&pid), "{:?}", tree(me));
        child.kill().expect("kill");
        child.wait().expect("wait");
        assert!(!alive(pid));
        assert!(!tree(me).contains(&pid));
    }
}
