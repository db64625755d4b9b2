use pcsc::State;

use super::watcher::Tracker;
use super::*;

fn bytes(hex: &str) -> Vec<u8> {
    hex::decode(hex.replace(' ', "")).unwrap()
}

#[test]
fn every_cps_atr_of_the_table_is_identified() {
    let expected = [
        ("3B AC 00 40 2A 00 12 25 00 64 80 00 03 10 00 90 00", "cps3_contact", CardInterface::Contact, true),
        ("3B 8F 80 01 00 31 B8 64 04 B0 EC C1 73 94 01 80 82 90 00 0E", "cps3_contactless", CardInterface::Contactless, false),
        ("3B 9B 18 80 01 00 12 25 00 64 80 04 01 00 00 90 44", "cps4", CardInterface::Contact, true),
        ("3B 9B 18 80 01 00 12 25 00 64 80 00 04 01 00 90 44", "cps4_rc", CardInterface::Contact, true),
        ("3B DC 18 FF 00 00 12 25 00 64 80 00 04 01 00 90 00", "cps4_t0", CardInterface::Contact, true),
    ];
    assert_eq!(card_models().len(), expected.len());
    for (atr, model, interface, can_sign) in expected {
        let card = identify(&bytes(atr));
        assert!(card.recognized, "{atr}");
        assert_eq!(card.model.as_deref(), Some(model));
        assert_eq!(card.interface, Some(interface));
        assert_eq!(card.can_sign, can_sign, "{model}");
        assert_eq!(card.atr, atr);
        assert_eq!(card.summary_fr(), card.label_fr);
    }
}

#[test]
fn anything_else_is_an_unrecognized_card_showing_its_atr() {
    // One byte more, one byte less, one byte different: exact match only.
    let cps3 = bytes("3B AC 00 40 2A 00 12 25 00 64 80 00 03 10 00 90 00");
    let mut longer = cps3.clone();
    longer.push(0x00);
    let mut changed = cps3.clone();
    changed[16] = 0x01;
    for atr in [longer, cps3[..16].to_vec(), changed, vec![0x3b, 0x8a, 0x80, 0x01]] {
        let card = identify(&atr);
        assert!(!card.recognized);
        assert_eq!(card.model, None);
        assert!(!card.can_sign);
        assert_eq!(card.label_fr, "Carte non reconnue");
        assert_eq!(card.atr, atr_hex(&atr));
        assert!(card.summary_fr().starts_with("Carte non reconnue (ATR : 3B "), "{}", card.summary_fr());
    }
    assert_eq!(atr_hex(&[0x3b, 0x0a, 0xff]), "3B 0A FF");
}

#[test]
fn errors_have_stable_codes_and_say_how_to_fix() {
    let unavailable = CardError::from(pcsc::Error::NoService);
    assert_eq!(unavailable.code(), "card.pcsc_unavailable");
    assert!(unavailable.to_string().contains(SERVICE_HINT), "{unavailable}");
    assert_eq!(unavailable.hint(), Some(SERVICE_HINT));
    assert_eq!(CardError::from(pcsc::Error::ServiceStopped).code(), "card.pcsc_unavailable");
    assert_eq!(CardError::from(pcsc::Error::CommError).code(), "card.pcsc_unavailable");
    assert_eq!(CardError::from(pcsc::Error::NoReadersAvailable).code(), "card.no_reader");
    assert_eq!(CardError::NoCard.code(), "card.no_card");
    assert_eq!(CardError::from(pcsc::Error::InternalError).code(), "card.pcsc_error");
    assert!(SERVICE_HINT.contains("pcscd") || SERVICE_HINT.contains("Carte à puce") || SERVICE_HINT.contains("macOS"));
}

#[test]
fn reader_status_from_pcsc_state() {
    assert_eq!(ReaderStatus::from_state(State::EMPTY), ReaderStatus::Empty);
    assert_eq!(ReaderStatus::from_state(State::PRESENT), ReaderStatus::CardPresent);
    assert_eq!(ReaderStatus::from_state(State::PRESENT | State::UNPOWERED), ReaderStatus::CardPresent);
    assert_eq!(ReaderStatus::from_state(State::PRESENT | State::INUSE), ReaderStatus::CardInUse);
    assert_eq!(ReaderStatus::from_state(State::PRESENT | State::EXCLUSIVE | State::INUSE), ReaderStatus::CardInUse);
    assert_eq!(ReaderStatus::from_state(State::PRESENT | State::MUTE), ReaderStatus::Mute);
    assert_eq!(ReaderStatus::from_state(State::UNAVAILABLE), ReaderStatus::Unavailable);
    assert_eq!(ReaderStatus::from_state(State::UNKNOWN | State::CHANGED), ReaderStatus::Unavailable);
}

fn run(tracker: &mut Tracker, step: impl FnOnce(&mut Tracker, &mut dyn FnMut(CardEvent))) -> Vec<CardEvent> {
    let mut events = Vec::new();
    step(tracker, &mut |e| events.push(e));
    events
}

/// The reconciliation behind reader plug/unplug (the PnP path), which vpcd's static
/// readers cannot exercise live.
#[test]
fn tracker_turns_reader_and_card_changes_into_events() {
    let cps4 = bytes("3B 9B 18 80 01 00 12 25 00 64 80 04 01 00 00 90 44");
    let unknown = bytes("3B 8A 80 01");
    let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut t = Tracker::default();

    let events = run(&mut t, |t, e| t.set_readers(&names(&["A", "B"]), e));
    assert_eq!(events, vec![CardEvent::ReaderAdded { reader: "A".into() }, CardEvent::ReaderAdded { reader: "B".into() }]);
    assert!(run(&mut t, |t, e| t.set_readers(&names(&["B", "A"]), e)).is_empty());
    assert!(run(&mut t, |t, e| t.observe("A", State::EMPTY | State::CHANGED, &[], 0, e)).is_empty());

    let events = run(&mut t, |t, e| t.observe("A", State::PRESENT | State::CHANGED, &cps4, 1, e));
    match events.as_slice() {
        [CardEvent::CardInserted { reader, card, status, atr }] => {
            assert_eq!(reader, "A");
            assert_eq!(card.model.as_deref(), Some("cps4"));
            assert_eq!(*status, ReaderStatus::CardPresent);
            assert_eq!(atr, &card.atr);
        }
        other => panic!("{other:?}"),
    }
    // Another application opening the card is not a new card.
    assert!(run(&mut t, |t, e| t.observe("A", State::PRESENT | State::INUSE | State::CHANGED, &cps4, 1, e)).is_empty());
    // Swapped between two wake-ups: same ATR, the event counter moved.
    let events = run(&mut t, |t, e| t.observe("A", State::PRESENT | State::CHANGED, &cps4, 3, e));
    assert!(matches!(events.as_slice(), [CardEvent::CardRemoved { .. }, CardEvent::CardInserted { .. }]), "{events:?}");
    let events = run(&mut t, |t, e| t.observe("A", State::PRESENT | State::CHANGED, &unknown, 3, e));
    assert!(matches!(events.as_slice(), [CardEvent::CardRemoved { .. }, CardEvent::CardInserted { card, .. }] if !card.recognized), "{events:?}");

    // Unplugging a reader that holds a card: the card goes first.
    let events = run(&mut t, |t, e| t.set_readers(&names(&["B", "C"]), e));
    assert_eq!(
        events,
        vec![CardEvent::CardRemoved { reader: "A".into() }, CardEvent::ReaderRemoved { reader: "A".into() }, CardEvent::ReaderAdded { reader: "C".into() },]
    );
    // States of readers not (or no longer) listed are ignored.
    assert!(run(&mut t, |t, e| t.observe("A", State::PRESENT | State::CHANGED, &cps4, 5, e)).is_empty());

    let events = run(&mut t, |t, e| t.observe("B", State::PRESENT | State::MUTE | State::CHANGED, &[], 1, e));
    assert!(matches!(events.as_slice(), [CardEvent::CardInserted { status: ReaderStatus::Mute, .. }]), "{events:?}");
    let events = run(&mut t, |t, e| t.observe("B", State::EMPTY | State::CHANGED, &[], 2, e));
    assert_eq!(events, vec![CardEvent::CardRemoved { reader: "B".into() }]);

    // Service lost: everything known is removed.
    run(&mut t, |t, e| t.observe("C", State::PRESENT | State::CHANGED, &cps4, 1, e));
    let events = run(&mut t, |t, e| t.clear(e));
    assert_eq!(
        events,
        vec![CardEvent::ReaderRemoved { reader: "B".into() }, CardEvent::CardRemoved { reader: "C".into() }, CardEvent::ReaderRemoved { reader: "C".into() },]
    );
}

#[test]
fn events_serialize_with_a_kind_tag() {
    let event = CardEvent::CardInserted { reader: "R".into(), atr: "3B 00".into(), card: identify(&[0x3b, 0x00]), status: ReaderStatus::CardPresent };
    let json = serde_json::to_value(&event).unwrap();
    assert_eq!(json["kind"], "card_inserted");
    assert_eq!(json["status"], "card_present");
    assert_eq!(json["card"]["recognized"], false);
    assert_eq!(serde_json::to_value(CardEvent::ServiceRestored).unwrap()["kind"], "service_restored");
}

#[test]
fn view_types_export_to_typescript() {
    use ts_rs::TS;
    let decl = CardEvent::decl();
    assert!(decl.contains("\"kind\": \"card_inserted\""), "{decl}");
    let decl = ReaderView::decl();
    assert!(decl.contains("status: ReaderStatus"), "{decl}");
}

/// Windows without its smart-card service (Wine's winscard is a stub that never gives a
/// context): the « Carte à puce » service's hint, never a bare PC/SC error.
#[cfg(windows)]
#[test]
fn without_the_smart_card_service_windows_says_to_start_it() {
    // A Windows whose service runs (not Wine) lists its readers: nothing to check there.
    if let Err(error) = list_readers() {
        assert_eq!(error.code(), "card.pcsc_unavailable", "{error}");
        assert!(error.to_string().contains("SCardSvr"), "{error}");
    }
}
