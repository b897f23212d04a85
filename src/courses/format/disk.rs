//! Reading a folder from disk into relative path -> content, so that files on disk and files
//! uploaded over HTTP go through the same parser. Problems the in-memory form cannot show (an
//! unreadable or non-UTF-8 file, an empty or too deeply nested folder) are reported here.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use super::error::Diagnostics;

/// Reads the files under `root` down to `depth` levels of folders (2 for a tree: course and
/// module folders; 1 for a course folder). Hidden entries are skipped.
pub(crate) fn read_folder(
    root: &Path,
    depth: usize,
    diags: &mut Diagnostics,
) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    read_into(root, "", depth, &mut files, diags);
    files
}

fn read_into(
    dir: &Path,
    prefix: &str,
    depth: usize,
    files: &mut BTreeMap<String, String>,
    diags: &mut Diagnostics,
) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            diags.push(dir, None, format!("cannot read the folder: {error}"));
            return;
        }
    };
    let mut any = false;
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                diags.push(dir, None, format!("cannot read the folder: {error}"));
                continue;
            }
        };
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            diags.push(&path, None, "the name is not valid UTF-8");
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        any = true;
        let rel = format!("{prefix}{name}");
        // metadata() follows symbolic links, so a linked file or folder counts as what it points to.
        match fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => {
                if depth == 0 {
                    diags.push(&path, None, "unexpected folder: the format nests no deeper");
                } else {
                    read_into(&path, &format!("{rel}/"), depth - 1, files, diags);
                }
            }
            Ok(_) => match fs::read(&path).map(String::from_utf8) {
                Ok(Ok(text)) => {
                    files.insert(rel, text);
                }
                Ok(Err(_)) => diags.push(&path, None, "the file is not valid UTF-8"),
                Err(error) => diags.push(&path, None, format!("cannot read the file: {error}")),
            },
            Err(error) => diags.push(&path, None, format!("cannot read: {error}")),
        }
    }
    if !any && !prefix.is_empty() {
        diags.push(dir, None, "the folder is empty");
    }
}
