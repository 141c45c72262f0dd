use std::cell::Cell;
use std::io::BufReader;
use std::rc::Rc;

use super::*;

/// The written form read line by line, or `None` for another form.
fn parse_written(text: &str) -> Option<Manifest> {
    let mut files = Vec::new();
    let read = read_written(text.as_bytes(), |file| {
        files.push(file);
        Ok::<(), Rejection>(())
    })
    .expect("reads");
    match read {
        Read::Written(s) => Some(Manifest {
            head: s.head,
            files,
        }),
        _ => None,
    }
}

fn sample() -> Manifest {
    Manifest {
        head: Head {
            bundle_format: BUNDLE_FORMAT,
            store_id: "stride-rotterdam".into(),
            version: 20261123020000,
            created: "2026-11-23T02:00:00Z".parse().expect("time"),
            stock_as_of: "2026-11-23T01:55:00Z".parse().expect("time"),
            expires: "2026-11-30T02:00:00Z".parse().expect("time"),
            catalog_format: "native".into(),
        },
        files: vec![FileEntry {
            path: "catalog/products.csv".into(),
            size: 10,
            sha256: "0".repeat(64),
        }],
    }
}

#[test]
fn a_manifest_round_trips_through_toml() {
    let m = sample();
    let text = m.to_toml().expect("encodes");
    assert!(text.contains("store_id = \"stride-rotterdam\""), "{text}");
    assert_eq!(Manifest::parse(&text).expect("parses"), m);
}

/// One broken manifest and a word its rejection must contain.
fn check(change: impl FnOnce(&mut Manifest), expected: &str) {
    let mut m = sample();
    change(&mut m);
    let err = m.validate().expect_err(expected).to_string();
    assert!(
        err.contains(expected),
        "{err:?} should mention {expected:?}"
    );
}

#[test]
fn invalid_manifests_are_refused_naming_the_field() {
    check(|m| m.head.bundle_format = 2, "bundle_format 2");
    check(|m| m.head.store_id = "a store".into(), "store_id");
    check(|m| m.head.store_id = String::new(), "store_id");
    check(|m| m.head.version = 0, "version 0");
    check(|m| m.head.version = u64::MAX, "version");
    check(|m| m.head.catalog_format = "excel".into(), "catalog_format");
    check(|m| m.head.expires = m.head.created, "expires");
    check(|m| m.files.clear(), "0 files");
    check(|m| m.files[0].sha256 = "ABC".into(), "sha256");
    check(|m| m.files[0].sha256 = "A".repeat(64), "sha256");
    check(
        |m| {
            let f = m.files[0].clone();
            m.files.push(f);
        },
        "listed twice",
    );
    for path in [
        "../etc/passwd",
        "/etc/passwd",
        "catalog/../x.csv",
        "catalog/.hidden",
        "catalog/sub/x.csv",
        "catalog/",
        "other/products.csv",
        "products.csv",
        "catalog/pro ducts.csv",
    ] {
        check(|m| m.files[0].path = path.into(), "file path");
    }
}

#[test]
fn toml_that_is_not_a_manifest_is_refused() {
    let err = Manifest::parse("store_id = 3")
        .expect_err("refused")
        .to_string();
    assert!(err.contains("manifest.toml"), "{err}");
}

#[test]
fn a_written_manifest_reads_the_same_line_by_line_as_through_toml() {
    let mut m = sample();
    for i in 0..3 {
        m.files.push(FileEntry {
            path: format!("catalog/images/p-{i}_x.card.jpg"),
            size: 1000 + i,
            sha256: format!("{i:x}").repeat(64),
        });
    }
    let text = m.to_toml().expect("encodes");
    let read = parse_written(&text).expect("the written form");
    assert_eq!(read, m);
    let whole: Manifest = toml::from_str(&text).expect("TOML");
    assert_eq!(whole, m);
    assert_eq!(Manifest::parse(&text).expect("parses"), m);
}

#[test]
fn a_manifest_made_by_hand_is_parsed_as_toml() {
    let m = sample();
    let text = m.to_toml().expect("encodes");
    // Another key order, a comment, an escape, CRLF: all TOML, none the
    // written form, all read the same.
    let variants = [
        text.replace(
            "path = \"catalog/products.csv\"\nsize = 10",
            "size = 10\npath = \"catalog/products.csv\"",
        ),
        text.replace("[[files]]\n", "[[files]] # the export\n"),
        text.replace("catalog/products.csv", "catalog\\u002Fproducts.csv"),
        text.replace('\n', "\r\n"),
        text.replace("size = 10", "size = 1_0"),
    ];
    for variant in &variants {
        assert_eq!(parse_written(variant), None, "{variant}");
        assert_eq!(Manifest::parse(variant).expect("parses"), m, "{variant}");
    }
    // What TOML refuses stays refused.
    for bad in [
        text.replace("size = 10", "size = 010"),
        text.replace("size = 10", "size = 99999999999999999999"),
        format!("{text}path = \"catalog/x.csv\"\n"),
        text.replace("[[files]]", "files = 3\n[[files]]"),
    ] {
        assert!(Manifest::parse(&bad).is_err(), "{bad}");
    }
}

/// Counts the bytes taken from a text.
struct Counting<'a> {
    text: &'a [u8],
    taken: Rc<Cell<usize>>,
}

impl std::io::Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = std::io::Read::read(&mut self.text, buf)?;
        self.taken.set(self.taken.get() + n);
        Ok(n)
    }
}

#[test]
fn a_written_manifest_reaches_the_reader_a_table_at_a_time() {
    // A bundle may list 500,000 files: each entry must be handed on while
    // the text behind it is still unread, never after a whole-manifest
    // read or collection.
    let mut m = sample();
    for i in 0..20_000u64 {
        m.files.push(FileEntry {
            path: format!("catalog/images/p-{i}.card.jpg"),
            size: i,
            sha256: format!("{:x}", i % 16).repeat(64),
        });
    }
    let text = m.to_toml().expect("encodes");
    assert!(text.len() > 2_500_000, "{}", text.len());
    let taken = Rc::new(Cell::new(0));
    let input = BufReader::with_capacity(
        8192,
        Counting {
            text: text.as_bytes(),
            taken: taken.clone(),
        },
    );
    let (mut seen, mut end, mut most_ahead) = (0usize, 0usize, 0usize);
    let read = read_written(input, |file| {
        let expected = &m.files[seen];
        assert_eq!(&file, expected);
        let needle = format!("sha256 = \"{}\"\n", file.sha256);
        end += text[end..].find(&needle).expect("in the text") + needle.len();
        most_ahead = most_ahead.max(taken.get() - end);
        seen += 1;
        Ok::<(), Rejection>(())
    })
    .expect("reads");
    let Read::Written(summary) = read else {
        panic!("the written form: {read:?}");
    };
    assert_eq!(seen, m.files.len());
    assert_eq!(summary.n_files, m.files.len() as u64);
    assert_eq!(summary.total_bytes, m.total_bytes());
    assert!(
        most_ahead <= 8192,
        "the reader ran {most_ahead} bytes ahead of the entry it handed on"
    );
}

#[test]
fn an_entry_the_reader_refuses_stops_the_read() {
    let mut m = sample();
    m.files.push(FileEntry {
        path: "catalog/images/x.card.jpg".into(),
        size: 1,
        sha256: "b".repeat(64),
    });
    let text = m.to_toml().expect("encodes");
    let mut seen = 0;
    let read = read_written(text.as_bytes(), |file| {
        seen += 1;
        if file.path.ends_with(".card.jpg") {
            Err(Rejection::BadManifest(format!(
                "{} is listed twice",
                file.path
            )))
        } else {
            Ok(())
        }
    })
    .expect("reads");
    assert!(
        matches!(read, Read::Refused(Rejection::BadManifest(_))),
        "{read:?}"
    );
    assert_eq!(seen, 2);
    // A last line without its newline is not the written form.
    let cut = text.trim_end_matches('\n');
    assert!(parse_written(cut).is_none());
}

/// `sample()` in the written form, as bundles signed before the head was
/// one type carry it.
const WRITTEN: &str = "bundle_format = 1
store_id = \"stride-rotterdam\"
version = 20261123020000
created = \"2026-11-23T02:00:00Z\"
stock_as_of = \"2026-11-23T01:55:00Z\"
expires = \"2026-11-30T02:00:00Z\"
catalog_format = \"native\"

[[files]]
path = \"catalog/products.csv\"
size = 10
sha256 = \"0000000000000000000000000000000000000000000000000000000000000000\"
";

// The manifest and its summary hold one head instead of two copies of its
// fields: the text a bundle is signed over, and the summary's JSON
// (`kiosk bundle create --json`), keep their shape.
#[test]
fn the_manifest_and_its_summary_share_one_head_and_keep_their_shape() {
    let m = sample();
    assert_eq!(m.to_toml().expect("encodes"), WRITTEN);
    assert_eq!(Manifest::parse(WRITTEN).expect("parses"), m);
    let mut writer = Writer::new(m.head.clone(), Vec::new()).expect("a valid head");
    writer.entry(&m.files[0]).expect("a valid entry");
    let (summary, bytes) = writer.finish().expect("one file");
    assert_eq!(String::from_utf8(bytes).expect("UTF-8"), WRITTEN);
    assert_eq!(summary, m.summary());
    assert_eq!(summary.head, m.head);
    let json = serde_json::to_value(&summary).expect("JSON");
    let mut keys: Vec<&str> = json
        .as_object()
        .expect("one object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    let mut expected = vec![
        "bundle_format",
        "store_id",
        "version",
        "created",
        "stock_as_of",
        "expires",
        "catalog_format",
        "n_files",
        "total_bytes",
    ];
    expected.sort_unstable();
    assert_eq!(keys, expected, "{json}");
    assert_eq!(json["store_id"], "stride-rotterdam");
    assert_eq!(json["n_files"], 1);
}
