use std::io::Read;

use super::*;

fn limits(max_fields: usize, max_row_bytes: usize) -> Limits {
    Limits {
        max_fields,
        max_row_bytes,
        ..Limits::default()
    }
}

/// Reads all of `input` through a `RowGuard`, in reads of `chunk` bytes.
fn guard(input: &[u8], limits: Limits, chunk: usize) -> Result<Vec<u8>, RowTooLarge> {
    let mut guard = RowGuard::new(input, b',', limits);
    let mut out = Vec::new();
    let mut buf = vec![0; chunk];
    loop {
        match guard.read(&mut buf) {
            Ok(0) => return Ok(out),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) => {
                return Err(*e
                    .into_inner()
                    .expect("an inner error")
                    .downcast::<RowTooLarge>()
                    .expect("a RowTooLarge"));
            }
        }
    }
}

#[test]
fn rows_within_the_limits_pass_unchanged() {
    let input = b"a,b,c\n1,2,3\n\"x,y\",\"multi\nline\",z\n";
    assert_eq!(guard(input, limits(3, 64), 4).unwrap(), input);
}

#[test]
fn too_many_fields_fail_at_the_row_that_has_them() {
    let input = b"a,b,c\n1,2,3\n4,5,6,7\n";
    let err = guard(input, limits(3, 1 << 20), 5).unwrap_err();
    assert_eq!(err.line, 3);
    assert_eq!(err.column, Some(4));
    assert!(err.to_string().contains("more than 3 fields"), "{err}");
}

#[test]
fn delimiters_inside_quotes_are_not_fields() {
    let input = b"a,b\n\"1,2,3,4,5\",6\n";
    assert!(guard(input, limits(2, 1 << 20), 3).is_ok());
}

#[test]
fn a_quote_inside_an_unquoted_field_is_a_literal() {
    // 12" opens nothing: each line stays its own row of 2 fields.
    let mut input = b"name,price\n".to_vec();
    for i in 0..100 {
        input.extend_from_slice(format!("pipe 12\" {i},3\n").as_bytes());
    }
    assert!(guard(&input, limits(2, 32), 7).is_ok());
}

#[test]
fn an_escaped_quote_keeps_the_field_quoted() {
    let input = b"a,b\n\"say \"\"hi\"\", then,\",2\n";
    assert!(guard(input, limits(2, 1 << 20), 1).is_ok());
}

#[test]
fn a_long_row_fails_with_the_line_it_starts_on() {
    let mut input = b"a,b\n1,2\n\"open".to_vec();
    input.extend(std::iter::repeat_n(b'x', 100));
    input.extend_from_slice(b"\nmore\n");
    let err = guard(&input, limits(10, 64), 16).unwrap_err();
    assert_eq!(err.line, 3);
    assert!(err.to_string().contains("limit"), "{err}");
}

#[test]
fn a_line_of_commas_is_refused_by_the_parser_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("commas.csv");
    let mut bytes = b"Handle,Title\n".to_vec();
    bytes.extend(std::iter::repeat_n(b',', 100_000));
    std::fs::write(&path, bytes).unwrap();
    const SPEC: &[Column] = &[Column::required("Handle"), Column::optional("Title")];
    let mut issues = Issues::default();
    // The parser reads ahead, so the refusal may come while the header is
    // read; either way no row of 100,001 fields reaches the importer.
    let err = match CsvFile::open(&path, SPEC, Limits::default(), &mut issues) {
        Err(e) => e,
        Ok(mut file) => match file.next_row(&mut issues) {
            Err(e) => e,
            Ok(_) => panic!("a row of 100,001 fields was read"),
        },
    };
    let text = err.to_string();
    assert!(text.contains("commas.csv"), "{text}");
    assert!(text.contains("more than 4096 fields"), "{text}");
    assert!(matches!(err, Error::Input { line: 2, .. }), "{err:?}");
}
