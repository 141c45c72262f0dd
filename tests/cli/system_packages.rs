//! Issue 12: every system file the code needs comes from a Debian package
//! that `scripts/lib.sh` installs. A font the build embedded from
//! /usr/share once broke the first run on a fresh machine while CI, on a
//! machine where the package had been installed by hand, stayed green.
//!
//! The check reads the code for what it names: absolute paths under /usr,
//! /bin and /sbin in string literals, and the programs it starts
//! (`Command::new("name")`). Each is resolved on this machine and traced
//! to its package with `dpkg -S`; that package must be in `APT_PACKAGES`
//! or be one Debian always has (Essential: yes).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The packages `scripts/lib.sh` installs: the words of `APT_PACKAGES=(…)`,
/// without comments.
fn listed_packages() -> BTreeSet<String> {
    let lib = std::fs::read_to_string(repo().join("scripts/lib.sh")).expect("read scripts/lib.sh");
    let start =
        lib.find("APT_PACKAGES=(").expect("APT_PACKAGES in lib.sh") + "APT_PACKAGES=(".len();
    let end = start + lib[start..].find("\n)").expect("the end of APT_PACKAGES");
    lib[start..end]
        .lines()
        .map(|line| line.split('#').next().unwrap_or(""))
        .flat_map(str::split_whitespace)
        .map(str::to_string)
        .collect()
}

/// The files whose code may name system files: the binary, the crates,
/// the tests, the build script and the scripts (not this file, which names
/// paths only to explain itself, nor the references it is checked against).
fn code_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path
                .extension()
                .is_none_or(|x| x == "rs" || x == "slint" || x == "sh" || x == "py")
            {
                out.push(path);
            }
        }
    }
    let root = repo();
    let mut files = vec![root.join("build.rs")];
    for dir in ["src", "crates", "tests", "ui", "scripts"] {
        walk(&root.join(dir), &mut files);
    }
    let me = root.join("tests").join("cli").join("system_packages.rs");
    files.retain(|f| *f != me && !f.components().any(|c| c.as_os_str() == "target"));
    files
}

/// String literals of `text` that start with `prefix` (the text up to the
/// closing quote).
fn literals_after<'a>(text: &'a str, prefix: &str) -> Vec<&'a str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(prefix) {
        let after = &rest[i + prefix.len()..];
        let end = after.find(['"', '\n']).unwrap_or(after.len());
        found.push(&after[..end]);
        rest = &after[end..];
    }
    found
}

/// What the code needs from the system: absolute paths, and programs
/// started by name, each with where it is named.
fn needs() -> Vec<(String, String)> {
    let mut needs = Vec::new();
    for file in code_files() {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let shown = file
            .strip_prefix(repo())
            .unwrap_or(&file)
            .display()
            .to_string();
        for root in ["/usr/", "/bin/", "/sbin/"] {
            for rest in literals_after(&text, &format!("\"{root}")) {
                // A path the code builds further (a folder with a name
                // appended) is checked as the folder it names.
                let path = format!("{root}{rest}");
                let path = path.split(['{', ' ', '$']).next().unwrap_or("").to_string();
                needs.push((path.trim_end_matches('/').to_string(), shown.clone()));
            }
        }
        for program in literals_after(&text, "Command::new(\"") {
            needs.push((program.to_string(), shown.clone()));
        }
    }
    needs.sort();
    needs.dedup();
    needs
}

/// The file behind a need: an absolute path as it is, a program where the
/// shell finds it.
fn resolve(need: &str) -> Option<PathBuf> {
    if need.starts_with('/') {
        return Some(PathBuf::from(need));
    }
    let out = Command::new("sh")
        .args(["-c", &format!("command -v '{need}'")])
        .output()
        .ok()?;
    let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
    path.starts_with('/').then(|| PathBuf::from(path))
}

/// The packages `dpkg -S` names for `path` (trying the merged-/usr twin:
/// /bin/x and /usr/bin/x are the same file on Debian 12).
fn owners(path: &Path) -> BTreeSet<String> {
    let text = path.to_string_lossy().to_string();
    let twin = match text.strip_prefix("/usr") {
        Some(rest) => rest.to_string(),
        None => format!("/usr{text}"),
    };
    for candidate in [text, twin] {
        let Ok(out) = Command::new("dpkg").args(["-S", &candidate]).output() else {
            continue;
        };
        if !out.status.success() {
            continue;
        }
        let listing = String::from_utf8_lossy(&out.stdout);
        let mut found = BTreeSet::new();
        for line in listing.lines() {
            // "pkg: /path", "pkg:amd64: /path" or "pkg1, pkg2: /dir".
            if let Some((packages, _)) = line.rsplit_once(": ") {
                for p in packages.split(", ") {
                    found.insert(p.split(':').next().unwrap_or(p).trim().to_string());
                }
            }
        }
        if !found.is_empty() {
            return found;
        }
    }
    BTreeSet::new()
}

fn essential(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Essential}", package])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "yes")
}

#[test]
fn every_system_file_the_code_needs_comes_from_a_listed_package() {
    let listed = listed_packages();
    assert!(
        listed.contains("pkg-config") && listed.len() > 5,
        "read APT_PACKAGES: {listed:?}"
    );
    let needs = needs();
    assert!(
        needs.iter().any(|(n, _)| n == "espeak-ng"),
        "the scan finds the programs the app starts: {needs:?}"
    );
    let mut problems = Vec::new();
    for (need, named_in) in &needs {
        let Some(path) = resolve(need) else {
            problems.push(format!(
                "{named_in} starts {need:?}, which is not installed: add its package to APT_PACKAGES"
            ));
            continue;
        };
        if !path.exists() {
            problems.push(format!(
                "{named_in} needs {}, which is missing: add its package to APT_PACKAGES",
                path.display()
            ));
            continue;
        }
        let packages = owners(&path);
        if packages.is_empty() {
            problems.push(format!(
                "{named_in} needs {}, which no Debian package installed",
                path.display()
            ));
            continue;
        }
        if !packages.iter().any(|p| listed.contains(p) || essential(p)) {
            problems.push(format!(
                "{named_in} needs {} from {packages:?}, which scripts/lib.sh does not install",
                path.display()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_listed_package_exists_in_debian() {
    // A typo in APT_PACKAGES would only show on a fresh machine, where
    // apt-get fails: check each name against what dpkg knows.
    for package in listed_packages() {
        let known = Command::new("dpkg-query")
            .args(["-W", "-f=${Status}", &package])
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("installed"));
        assert!(known, "{package} from APT_PACKAGES is not installed here");
    }
}
