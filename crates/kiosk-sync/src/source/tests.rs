use super::*;

#[test]
fn sources_are_urls_folders_or_files() {
    let tmp = tempfile::tempdir().expect("tmp");
    assert_eq!(
        Source::parse("http://store/b.kbundle"),
        Source::Http("http://store/b.kbundle".into())
    );
    assert_eq!(
        Source::parse("HTTPS://store/b.kbundle"),
        Source::Http("HTTPS://store/b.kbundle".into())
    );
    let dir = tmp.path().display().to_string();
    assert_eq!(
        Source::parse(&dir),
        Source::Folder(tmp.path().to_path_buf())
    );
    let file = tmp.path().join("x.kbundle");
    assert_eq!(
        Source::parse(&file.display().to_string()),
        Source::File(file)
    );
}

fn touch(path: &Path, bytes: &[u8]) {
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, bytes).expect("write");
}

#[test]
fn bundles_are_found_two_levels_down_skipping_hidden_and_uploads() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    touch(&root.join("top.kbundle"), b"1");
    touch(&root.join("kiosk/nightly.KBUNDLE"), b"2");
    touch(&root.join("a/b/deep.kbundle"), b"3");
    touch(&root.join("a/b/c/too-deep.kbundle"), b"4");
    touch(&root.join(".Trash/old.kbundle"), b"5");
    touch(&root.join("kiosk-uploads/x.kbundle"), b"6");
    touch(&root.join("notes.txt"), b"7");
    let found: Vec<String> = find_bundles(root, 2)
        .iter()
        .map(|p| {
            p.strip_prefix(root)
                .expect("under root")
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(
        found,
        ["a/b/deep.kbundle", "kiosk/nightly.KBUNDLE", "top.kbundle"]
    );
}

#[test]
fn mounts_are_folders_holding_bundles_fingerprinted_by_their_bundles() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    assert!(scan_mounts(root).is_empty());
    touch(&root.join("staff/STICK/nightly.kbundle"), b"v1");
    touch(&root.join("staff/OTHER/readme.txt"), b"-");
    let first = scan_mounts(root);
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].folder, root.join("staff/STICK"));
    assert_eq!(scan_mounts(root), first, "stable while unchanged");
    touch(&root.join("staff/STICK/nightly.kbundle"), b"v2 longer");
    assert_ne!(scan_mounts(root)[0].fingerprint, first[0].fingerprint);
    assert!(scan_mounts(&root.join("missing")).is_empty());
}
