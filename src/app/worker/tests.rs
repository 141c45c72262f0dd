use kiosk_catalog::import::{ImportOptions, NoProgress, import};
use kiosk_catalog::{DataDir, Snapshot};
use kiosk_core::assistant::{Action, ActionStatus, Assistant, Reply};

use super::*;
use crate::turn::{Recorded, record};
use kiosk_core::assistant::Clock;

fn mini_catalog(dir: &std::path::Path) {
    std::fs::create_dir_all(dir).expect("mkdir");
    let files = [
        (
            "store.toml",
            "id = \"mini\"\nname = \"Mini\"\nlanguage = \"en\"\ncurrency = \"EUR\"\nstock_as_of = \"2026-11-22T22:00:00Z\"\n",
        ),
        (
            "locations.csv",
            "id,zone,aisle,shelf,description\nFW,Footwear,1,A,\n",
        ),
        (
            "products.csv",
            "id,title,brand,category,description,tags,price,location\n\
             shoe,Velo Stride Running Shoe,Velo,Running Shoes,Road shoe,running,99.95,FW\n",
        ),
        (
            "variants.csv",
            "sku,product_id,size,color\nshoe-9-blk,shoe,9,Black\nshoe-10-blk,shoe,10,Black\n",
        ),
        ("stock.csv", "sku,quantity\nshoe-9-blk,0\nshoe-10-blk,2\n"),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("write catalog file");
    }
}

/// A real conversation that ends with the shopper's consented
/// back-in-stock request.
fn waitlist_reply(tmp: &std::path::Path) -> (Reply, Clock) {
    let catalog = tmp.join("catalog");
    mini_catalog(&catalog);
    let data = DataDir::new(tmp.join("data"));
    import(&data, &ImportOptions::new(&catalog), &mut NoProgress).expect("import");
    let snapshot = Snapshot::open(&data).expect("open");
    let config = AssistantConfig::default();
    let assistant = Assistant::new(&snapshot, &snapshot, &config);
    let mut session = Session::default();
    let clock = Clock::utc(jiff::Timestamp::now());
    let mut reply = None;
    for text in [
        "Velo Stride Running Shoe in size 9?",
        "notify me when it's back",
        "my email is fan@example.com",
    ] {
        let input = TurnInput {
            text: text.into(),
            lang: Some(Lang::En),
        };
        reply = Some(assistant.turn(&mut session, &input, clock).expect("turn"));
    }
    let reply = reply.expect("three turns");
    assert!(
        reply.actions.iter().any(|a| matches!(
            a,
            Action::JoinWaitlist {
                status: ActionStatus::Done,
                contact: Some(_),
                ..
            }
        )),
        "the conversation ends with a consented request: {} {:?}",
        reply.answer,
        reply.actions
    );
    (reply, clock)
}

#[test]
fn a_consented_waitlist_request_is_saved() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (reply, clock) = waitlist_reply(tmp.path());
    let local = LocalStore::open(&tmp.path().join("data")).expect("local store");
    assert_eq!(record(Some(&local), clock, "s1", &reply), Recorded::Kept);
    assert_eq!(local.count("waitlist").expect("count"), 1);
}

// Issue 18: a database error used to drop a consented request silently.
#[test]
fn a_waitlist_request_the_database_refuses_is_reported() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (reply, clock) = waitlist_reply(tmp.path());
    let local = LocalStore::open(&tmp.path().join("data")).expect("local store");
    local
        .connection()
        .execute_batch("DROP TABLE waitlist")
        .expect("break the store");
    assert_eq!(
        record(Some(&local), clock, "s1", &reply),
        Recorded::WaitlistLost
    );
}

// Issue 18: a local store that did not open used to turn the waitlist off
// without a word.
#[test]
fn a_waitlist_request_without_a_local_store_is_reported() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (reply, clock) = waitlist_reply(tmp.path());
    assert_eq!(record(None, clock, "s1", &reply), Recorded::WaitlistLost);
}

#[test]
fn shopper_notices_are_in_each_language_and_name_no_cause() {
    use super::super::notices::Notice;
    for notice in [
        Notice::CatalogUnavailable,
        Notice::CatalogError,
        Notice::WaitlistNotSaved,
    ] {
        let texts: Vec<&str> = [Lang::En, Lang::Nl, Lang::Id, Lang::Zh]
            .into_iter()
            .map(|lang| notice.text(lang))
            .collect();
        for (i, a) in texts.iter().enumerate() {
            for b in &texts[i + 1..] {
                assert_ne!(a, b, "{notice:?} is translated");
            }
        }
    }
}
